import { describe, expect, it } from 'vitest';
import { clientIdAllowed, publishDenied, subscribeDenied, validNodeName } from './acl.js';

describe('broker ACL', () => {
  it.each([
    ['pi-1', true],
    ['a', true],
    ['Pi', false],
    ['a/b', false],
    ['a+', false],
    ['#', false],
    ['', false],
    [undefined, false],
    ['x'.repeat(64), false],
  ])('validNodeName(%s) = %s', (name, ok) => {
    expect(validNodeName(name)).toBe(ok);
  });

  it.each([
    ['pi', 'pi', true],
    ['pi', 'pi:debug', true],
    ['pi', 'pi-2', false],
    ['pi', 'p', false],
    ['pi', '', false],
    ['pi', 'aedes_1234', false],
  ])('clientIdAllowed(%s, %s) = %s', (node, id, ok) => {
    expect(clientIdAllowed(node, id)).toBe(ok);
  });

  it.each([
    ['kedge/v1/nodes/a/status', null],
    ['kedge/v1/nodes/a/pods', null],
    ['kedge/v1/nodes/a/online', null],
    ['kedge/v1/nodes/a/rpc/logs/1', null],
    ['kedge/v1/nodes/a/rpc/res/Zx0-_abc12', null],
    ['kedge/v1/nodes/b/rpc/res/Zx0-_abc12', 'outside its own topic prefix'],
    ['kedge/v1/nodes/a/desired', 'only the server writes desired state'],
    ['kedge/v1/nodes/b/status', 'outside its own topic prefix'],
    ['kedge/v1/nodes/ab/status', 'outside its own topic prefix'],
    ['kedge/v1/nodes/a/unknown', 'not a kedge node topic'],
    ['kedge/v1/nodes/a/status/extra', 'not a kedge node topic'],
    ['other/topic', 'outside its own topic prefix'],
    ['$SYS/x', 'outside its own topic prefix'],
    ['kedge/v1/cluster/network', 'only the server writes cluster state'],
    ['kedge/v1/cluster/services', 'only the server writes cluster state'],
    ['kedge/v1/cluster/other', 'only the server writes cluster state'],
    ['kedge/v1/cluster', 'outside its own topic prefix'],
  ])('publishDenied(a, %s) = %s', (topic, reason) => {
    expect(publishDenied('a', topic)).toBe(reason);
  });

  it.each([
    ['kedge/v1/nodes/a/desired', true],
    ['kedge/v1/nodes/a/#', true],
    ['kedge/v1/nodes/a/rpc/+', true],
    ['kedge/v1/nodes/a/rpc/req/+', true],
    ['kedge/v1/nodes/b/rpc/req/+', false],
    ['kedge/v1/nodes/b/desired', false],
    ['kedge/v1/nodes/+/desired', false],
    ['kedge/#', false],
    ['#', false],
    ['+/v1/nodes/a/desired', false],
    ['$share/g/kedge/v1/nodes/a/desired', false],
    ['kedge/v1/nodes/a', false],
    ['kedge/v1/cluster/#', true],
    ['kedge/v1/cluster/network', true],
    ['kedge/v1/cluster/+', true],
    ['kedge/v1/cluster', false],
    ['kedge/v1/+/network', false],
    ['$share/g/kedge/v1/cluster/#', false],
  ])('subscribe a to %s allowed = %s', (filter, ok) => {
    expect(subscribeDenied('a', filter) === null).toBe(ok);
  });
});
