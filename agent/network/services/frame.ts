/**
 * The fixed part of the table: hooks, dispatch maps, the checks that reject, and masquerading. The
 * per-Service chains and map elements are added to it by the Service ports.
 */
import type { RulesetBuilder } from './builder.js';
import { chainNames as c, masqueradeMark, setNames as s } from './names.js';

export interface FrameSettings {
  clusterCIDR: string;
  serviceCIDR: string;
  clusterDNS: string;
}

const addrProtoPort = 'ipv4_addr . inet_proto . inet_service';
const dnsPort = (clusterDNS: string) => `ip daddr ${clusterDNS} meta l4proto { tcp, udp } th dport 53`;

export function addFrame(b: RulesetBuilder, f: FrameSettings): void {
  b.set('set', s.nodePortIPs, ['type ipv4_addr']);
  // Local pod addresses, each paired with itself: a pod reaching itself through a Service is masqueraded.
  b.set('set', s.hairpin, ['type ipv4_addr . ipv4_addr']);
  b.set('map', s.serviceIPs, [`type ${addrProtoPort} : verdict`]);
  b.set('map', s.serviceNodePorts, ['type inet_proto . inet_service : verdict']);
  b.set('map', s.noEndpointServices, [`type ${addrProtoPort} : verdict`]);
  b.set('map', s.noEndpointNodePorts, ['type inet_proto . inet_service : verdict']);
  b.set('map', s.hostPorts, [`type ${addrProtoPort} : ipv4_addr . inet_service`]);

  // Filter chains run after DNAT (priority filter > dstnat): what still heads for the service range was not routed.
  for (const hook of ['input', 'forward', 'output']) {
    b.chain(`filter-${hook}`, [`ct state new jump ${c.checks}`], `type filter hook ${hook} priority filter; policy accept;`);
  }
  b.chain('nat-prerouting', [`jump ${c.services}`], 'type nat hook prerouting priority dstnat; policy accept;');
  // Locally generated traffic (the node, hostNetwork pods) reaches Services too.
  b.chain('nat-output', [`jump ${c.services}`], 'type nat hook output priority -100; policy accept;');
  b.chain(
    'nat-postrouting',
    [
      `meta mark & ${masqueradeMark} != 0 meta mark set meta mark ^ ${masqueradeMark} masquerade fully-random`,
      `ct status dnat ip saddr . ip daddr @${s.hairpin} masquerade fully-random`,
      // Pods reaching the world leave with the node's address.
      `ip saddr ${f.clusterCIDR} ip daddr != { ${f.clusterCIDR}, ${f.serviceCIDR}, 224.0.0.0/4 } masquerade fully-random`,
    ],
    'type nat hook postrouting priority srcnat; policy accept;',
  );
  b.chain(c.services, [
    // The agent answers cluster DNS itself: never DNATed, even if a Service claims the address.
    `${dnsPort(f.clusterDNS)} return`,
    `ip daddr . meta l4proto . th dport vmap @${s.serviceIPs}`,
    `ip daddr @${s.nodePortIPs} meta l4proto . th dport vmap @${s.serviceNodePorts}`,
    `meta l4proto { tcp, udp, sctp } dnat ip to ip daddr . meta l4proto . th dport map @${s.hostPorts}`,
  ]);
  b.chain(c.checks, [
    `${dnsPort(f.clusterDNS)} accept`,
    `ip daddr . meta l4proto . th dport vmap @${s.noEndpointServices}`,
    `ip daddr @${s.nodePortIPs} meta l4proto . th dport vmap @${s.noEndpointNodePorts}`,
    // No Service (or not on this port): refused at once, never sent on.
    `ip daddr ${f.serviceCIDR} goto ${c.reject}`,
  ]);
  b.chain(c.reject, ['meta l4proto tcp reject with tcp reset', 'reject']);
  b.chain(c.markMasquerade, [`meta mark set meta mark | ${masqueradeMark}`]);
}
