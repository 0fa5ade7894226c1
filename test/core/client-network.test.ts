import { describe, expect, it } from 'vitest'
import { clientNetwork, readableIp } from '../../src/core/client-network.ts'

describe('clientNetwork', () => {
  it.each([
    ['an IPv4 address is itself', '203.0.113.7', '203.0.113.7'],
    ['an IPv6 address is its /64', '2001:db8:1:2:a:b:c:d', '2001:db8:1:2::/64'],
    ['in any spelling', '2001:0DB8:0001:0002:0000:0000:0000:0001', '2001:db8:1:2::/64'],
    ['compressed', '2001:db8::1', '2001:db8:0:0::/64'],
    ['loopback', '::1', '0:0:0:0::/64'],
    ['with a zone', 'fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['IPv4-mapped is the IPv4 address', '::ffff:203.0.113.7', '203.0.113.7'],
    ['IPv4-mapped in hex, spelled out', '0:0:0:0:0:FFFF:cb00:7107', '203.0.113.7'],
    ['an embedded IPv4 tail elsewhere', '64:ff9b::203.0.113.7', '64:ff9b:0:0::/64'],
    ['not an address: as it is', 'not:an:address', 'not:an:address'],
    ['too many groups', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8:9'],
  ])('%s', (_, ip, network) => {
    expect(clientNetwork(ip)).toBe(network)
  })

  it('two addresses of one /64 are one client; of two /64s, two', () => {
    expect(clientNetwork('2001:db8:1:2::1')).toBe(clientNetwork('2001:db8:1:2:ffff::9'))
    expect(clientNetwork('2001:db8:1:2::1')).not.toBe(clientNetwork('2001:db8:1:3::1'))
  })
})

describe('readableIp', () => {
  it('shows an IPv4-mapped address as IPv4 and IPv6 in its shortest form', () => {
    expect(readableIp('::ffff:192.0.2.7')).toBe('192.0.2.7')
    expect(readableIp('::FFFF:c000:0207')).toBe('192.0.2.7')
    expect(readableIp('2001:0db8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1')
    expect(readableIp('2001:db8:0:1:0:0:0:1')).toBe('2001:db8:0:1::1')
    expect(readableIp('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2:3:4:5:6')
    expect(readableIp('::1')).toBe('::1')
    expect(readableIp('192.0.2.7')).toBe('192.0.2.7')
    expect(readableIp('not an address')).toBe('not an address')
  })
})
