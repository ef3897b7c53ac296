import { addressInRange, type Ipv4Range } from './ipv4.js';

/** A node's tunnel endpoint address: the network address of its pod range, as flannel does. */
export function vtepAddress(podRange: Ipv4Range): string {
  return addressInRange(podRange, 0);
}

/**
 * A node's tunnel endpoint MAC, derived from its pod range so that no node needs to be told
 * another's: locally administered unicast (02), 6b ("k"), then the range's four address bytes.
 */
export function vtepMac(podRange: Ipv4Range): string {
  const b = podRange.base;
  return ['02', '6b', b >>> 24, (b >>> 16) & 255, (b >>> 8) & 255, b & 255].map((x) => (typeof x === 'string' ? x : x.toString(16).padStart(2, '0'))).join(':');
}
