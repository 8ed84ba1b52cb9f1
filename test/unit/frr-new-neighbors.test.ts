import { describe, expect, it } from 'vitest';
import { newNeighbors } from '../../shared/devices/drivers/frr';

describe('the FRR neighbors a change adds', () => {
  it('are the addresses the candidate declares and the running file does not, groups left out', () => {
    const before = [
      'router bgp 64500',
      ' neighbor peers_v4 peer-group',
      ' neighbor 192.0.2.2 remote-as 64501',
    ].join('\n');
    const after = [
      'router bgp 64500',
      ' neighbor peers_v4 peer-group',
      ' neighbor peers_v4 remote-as external',
      ' neighbor 192.0.2.2 remote-as 64501',
      ' neighbor 2001:db8::2 remote-as 64501',
      ' neighbor 192.0.2.3 remote-as 64502',
    ].join('\n');
    expect(newNeighbors(before, after)).toEqual(['2001:db8::2', '192.0.2.3']);
    expect(newNeighbors(after, after)).toEqual([]);
    expect(newNeighbors(after, before)).toEqual([]);
  });
});
