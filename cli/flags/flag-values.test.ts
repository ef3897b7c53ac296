import { describe, expect, it } from 'vitest';
import { defaultNodeName, parseLabels, parseNodeName, parsePort, parseServerUrl } from './flag-values.js';

describe('parsePort', () => {
  it('accepts 1..65535 and falls back when absent', () => {
    expect(parsePort(undefined, 6443, '--https-port')).toBe(6443);
    expect(parsePort('1', 6443, '--https-port')).toBe(1);
    expect(parsePort('65535', 6443, '--https-port')).toBe(65535);
  });
  it('names the flag on bad ports', () => {
    for (const bad of ['0', '65536', '-1', 'abc', '80.5', '']) {
      expect(() => parsePort(bad, 1, 'KEDGE_MQTT_PORT')).toThrow(`KEDGE_MQTT_PORT: "${bad}" is not a port`);
    }
  });
});

describe('node names', () => {
  it('accepts DNS-1123 labels and refuses the rest, naming the source', () => {
    expect(parseNodeName('pi-4', '--node-name')).toBe('pi-4');
    expect(() => parseNodeName('Pi_4', '--node-name')).toThrow('--node-name: "Pi_4" is not a valid node name');
    expect(() => parseNodeName('a.b', '--node-name')).toThrow(/not a valid node name/);
    expect(() => parseNodeName('x'.repeat(64), '--node-name')).toThrow(/not a valid node name/);
  });
  it('derives the default from the host name', () => {
    expect(defaultNodeName('Pi-Server.local')).toBe('pi-server');
  });
});

describe('parseLabels', () => {
  it('turns k=v pairs into a map', () => {
    expect(parseLabels(['zone=garage', 'kedge.io/gpu=', 'a=b'], '--node-label')).toEqual({ zone: 'garage', 'kedge.io/gpu': '', a: 'b' });
  });
  it('names the flag and the pair at fault', () => {
    expect(() => parseLabels(['zone'], '--node-label')).toThrow('--node-label: "zone" is not a label; use key=value');
    expect(() => parseLabels(['zone=a b'], 'KEDGE_NODE_LABELS')).toThrow(/KEDGE_NODE_LABELS: label "zone"/);
  });
});

describe('parseServerUrl', () => {
  it('wants https', () => {
    expect(parseServerUrl('https://pi:6443/', '--server')).toBe('https://pi:6443');
    expect(() => parseServerUrl('http://pi:6443', '--server')).toThrow('--server: "http://pi:6443" must start with https://');
    expect(() => parseServerUrl('pi:6443x', 'KEDGE_URL')).toThrow(/KEDGE_URL/);
  });
});
