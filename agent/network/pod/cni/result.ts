/** The parts of a CNI result kedge reads (spec versions 0.3.x to 1.0.0); the raw JSON is kept whole for prevResult. */
import { z } from 'zod';
import { KedgeError } from '../../../../shared/errors.js';

const resultSchema = z.object({
  cniVersion: z.string().optional(),
  interfaces: z.array(z.object({ name: z.string(), mac: z.string().optional(), sandbox: z.string().optional() })).optional(),
  ips: z.array(z.object({ address: z.string(), gateway: z.string().optional(), interface: z.number().int().optional() })).optional(),
});

export interface PodAddress {
  ip: string;
  prefixLength: number;
  gateway?: string;
}

const ipv4Cidr = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/;

/**
 * The pod's IPv4 address from an ADD result: the one on `ifname` inside the namespace, or else
 * the first IPv4 address the result names.
 */
export function podAddress(result: unknown, ifname: string, netns: string): PodAddress {
  const parsed = resultSchema.safeParse(result);
  if (!parsed.success) throw new KedgeError('InternalError', `the CNI result is not a result object: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const r = parsed.data;
  const v4 = (r.ips ?? []).filter((a) => ipv4Cidr.test(a.address));
  const itf = (i: number | undefined) => (i === undefined ? undefined : r.interfaces?.[i]);
  const chosen =
    v4.find((a) => itf(a.interface)?.name === ifname && itf(a.interface)?.sandbox === netns) ??
    v4.find((a) => itf(a.interface)?.name === ifname && !!itf(a.interface)?.sandbox) ??
    v4[0];
  if (!chosen) throw new KedgeError('InternalError', `the CNI result gives the pod no IPv4 address (ips: ${JSON.stringify(r.ips ?? [])})`);
  const m = ipv4Cidr.exec(chosen.address)!;
  return { ip: m[1]!, prefixLength: Number(m[2]), ...(chosen.gateway ? { gateway: chosen.gateway } : {}) };
}

/** The spec versions a plugin says it supports (its VERSION answer). */
export function supportedVersions(output: unknown): string[] {
  const v = z.object({ supportedVersions: z.array(z.string()) }).safeParse(output);
  return v.success ? v.data.supportedVersions : [];
}
