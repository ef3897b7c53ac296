import { describe, expect, it } from 'vitest';
import { formatJoinToken } from '../../shared/token.js';
import { joinCommand } from './join-command.js';
import { serverUrl } from './server-url.js';

const token = formatJoinToken('ca', 'ab'.repeat(32));

describe('joinCommand', () => {
  it('prints the agent command line', () => {
    expect(joinCommand({ server: 'https://10.0.0.1:6443', token })).toBe(`kedge agent --server https://10.0.0.1:6443 --token ${token}`);
  });

  it('refuses a bad server or token', () => {
    expect(() => joinCommand({ server: '10.0.0.1:6443', token })).toThrow(/^server: /);
    expect(() => joinCommand({ server: 'https://10.0.0.1:6443', token: 'K10nope' })).toThrow(/token: malformed/);
  });
});

describe('serverUrl', () => {
  it('brackets IPv6 literals', () => {
    expect(serverUrl('10.0.0.1', 6443)).toBe('https://10.0.0.1:6443');
    expect(serverUrl('fd00::1', 6443)).toBe('https://[fd00::1]:6443');
    expect(serverUrl('pi.lan', 8443)).toBe('https://pi.lan:8443');
  });
});
