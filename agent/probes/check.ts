/** Runs one probe action: exec through the runtime (`ctr task exec`), HTTP GET or a TCP connect from the node. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { ExecResult } from '../runtime/driver.js';
import type { ProbeAction } from './spec.js';

export interface ProbeOutcome {
  ok: boolean;
  /** Kubernetes-style detail for the Unhealthy event, e.g. "HTTP probe failed with statuscode: 500". */
  message: string;
}

export type ProbeCheck = (action: ProbeAction, containerId: string, timeoutMs: number) => Promise<ProbeOutcome>;

const maxMessage = 1024;
const clip = (s: string) => (s.length > maxMessage ? `${s.slice(0, maxMessage)}…` : s);

async function execProbe(exec: (id: string, args: string[], timeoutMs: number) => Promise<ExecResult>, id: string, command: string[], timeoutMs: number): Promise<ProbeOutcome> {
  try {
    const r = await exec(id, command, timeoutMs);
    const output = `${r.stdout}${r.stderr}`.trim();
    if (r.exitCode === 0) return { ok: true, message: clip(output) };
    return { ok: false, message: clip(output || `command ${JSON.stringify(command.join(' '))} exited with ${r.exitCode}`) };
  } catch (e) {
    const msg = (e as Error).message;
    return { ok: false, message: clip(/did not finish within/.test(msg) ? `command ${JSON.stringify(command.join(' '))} timed out after ${timeoutMs / 1000}s` : msg) };
  }
}

function httpProbe(a: Extract<ProbeAction, { type: 'http' }>, timeoutMs: number): Promise<ProbeOutcome> {
  const host = a.host.includes(':') ? `[${a.host}]` : a.host;
  const url = `${a.scheme}://${host}:${a.port}${a.path}`;
  return new Promise((resolve) => {
    let done = false;
    const finish = (o: ProbeOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve(o);
    };
    const send = a.scheme === 'https' ? httpsRequest : httpRequest;
    // Kubernetes does not verify probe certificates either: the probe asks "up?", not "trusted?".
    const req = send(url, { method: 'GET', headers: a.headers, ...(a.scheme === 'https' ? { rejectUnauthorized: false } : {}), agent: false }, (res) => {
      const code = res.statusCode ?? 0;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        if (body.length < maxMessage) body += d;
      });
      res.on('end', () => finish(code >= 200 && code < 400 ? { ok: true, message: '' } : { ok: false, message: clip(`HTTP probe failed with statuscode: ${code}${body.trim() ? ` (${body.trim()})` : ''}`) }));
      res.on('error', (e) => finish({ ok: false, message: `Get "${url}": ${e.message}` }));
    });
    const timer = setTimeout(() => finish({ ok: false, message: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` }), timeoutMs);
    req.on('error', (e) => finish({ ok: false, message: `Get "${url}": ${e.message}` }));
    req.end();
  });
}

function tcpProbe(a: Extract<ProbeAction, { type: 'tcp' }>, timeoutMs: number): Promise<ProbeOutcome> {
  const where = `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
  return new Promise((resolve) => {
    const socket = connect({ host: a.host, port: a.port });
    const finish = (o: ProbeOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ ok: false, message: `dial tcp ${where}: i/o timeout` }), timeoutMs);
    socket.once('connect', () => finish({ ok: true, message: '' }));
    socket.once('error', (e) => finish({ ok: false, message: `dial tcp ${where}: ${e.message}` }));
  });
}

/** The probe runner; exec goes through the runtime driver, so only the ctr driver spawns processes. */
export function createProbeCheck(o: { exec: (id: string, args: string[], timeoutMs: number) => Promise<ExecResult> }): ProbeCheck {
  return (action, id, timeoutMs) => {
    switch (action.type) {
      case 'exec':
        return execProbe(o.exec, id, action.command, timeoutMs);
      case 'http':
        return httpProbe(action, timeoutMs);
      case 'tcp':
        return tcpProbe(action, timeoutMs);
    }
  };
}
