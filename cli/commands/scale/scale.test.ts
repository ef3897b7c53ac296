import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../flags/args.js';
import { runScale, scaleCommand, scaleRequestFromArgs } from './scale.js';

const parse = (argv: string[]) => scaleRequestFromArgs(parseArgs(argv, scaleCommand.flags, { command: 'kedge scale' }));

describe('kedge scale', () => {
  it('parses KIND/NAME and --replicas, refusing what cannot be scaled', () => {
    expect(parse(['deploy/web', '--replicas', '4'])).toMatchObject({ names: ['web'], replicas: 4 });
    expect(parse(['rs', 'web-abc', '--replicas=0'])).toMatchObject({ names: ['web-abc'], replicas: 0 });
    expect(() => parse(['deploy/web'])).toThrow('--replicas is required');
    expect(() => parse(['deploy/web', '--replicas', '-1'])).toThrow('--replicas: "-1" must be a whole number');
    expect(() => parse(['ds/agent', '--replicas', '2'])).toThrow('daemonsets cannot be scaled');
  });

  it('PUTs the Scale it read with the new replicas, honouring --current-replicas', async () => {
    const calls: [string, string, unknown][] = [];
    const client = {
      request: async <T>(method: string, path: string, body?: unknown) => {
        calls.push([method, path, body]);
        return { metadata: { name: 'web', resourceVersion: '7' }, spec: { replicas: 2 } } as T;
      },
    };
    const out: string[] = [];
    await runScale(client, parse(['deploy/web', '--replicas', '5']), 'prod', { out: (t) => void out.push(t) });
    expect(calls).toEqual([
      ['GET', '/apis/apps/v1/namespaces/prod/deployments/web/scale', undefined],
      ['PUT', '/apis/apps/v1/namespaces/prod/deployments/web/scale', { metadata: { name: 'web', resourceVersion: '7' }, spec: { replicas: 5 } }],
    ]);
    expect(out.join('')).toBe('deployment.apps/web scaled\n');
    await expect(runScale(client, parse(['deploy/web', '--replicas', '5', '--current-replicas', '3']), 'prod', { out: () => {} })).rejects.toThrow('Expected replicas to be 3, was 2');
  });
});
