/**
 * The network a client IP stands for when requests are counted per client. An IPv4 address is
 * itself. An IPv6 address is its /64: one subscriber commonly holds a whole /64 (RFC 6177), so
 * counting single addresses would let one client rotate through 2^64 of them. An IPv4-mapped IPv6
 * address (`::ffff:203.0.113.7`, as a dual-stack socket reports IPv4 clients) is its IPv4 address.
 * Text that is no IP address is returned as it is.
 *
 * @example
 * clientNetwork('2001:db8:1:2:a:b:c:d') // '2001:db8:1:2::/64'
 */
export function clientNetwork(ip: string): string {
  if (!ip.includes(':')) return ip
  const groups = expandIpv6(ip)
  if (!groups) return ip
  // ::ffff:a.b.c.d in any spelling: the IPv4 client it stands for.
  if (groups.slice(0, 5).every((group) => group === '0') && groups[5] === 'ffff') {
    const bytes = groups.slice(6).flatMap((group) => {
      const value = parseInt(group, 16)
      return [value >> 8, value & 0xff]
    })
    return bytes.join('.')
  }
  return `${groups.slice(0, 4).join(':')}::/64`
}

/**
 * An IP address as people read it: an IPv4-mapped IPv6 address as its IPv4 address, any other
 * IPv6 address in its shortest form (RFC 5952). Text that is no IP address is returned as it is.
 *
 * @example
 * readableIp('::ffff:192.0.2.7') // '192.0.2.7'
 * readableIp('2001:0db8:0000:0000:0000:0000:0000:0001') // '2001:db8::1'
 */
export function readableIp(ip: string): string {
  if (!ip.includes(':')) return ip
  const groups = expandIpv6(ip)
  if (!groups) return ip
  if (groups.slice(0, 5).every((group) => group === '0') && groups[5] === 'ffff') {
    return clientNetwork(ip)
  }
  // The longest run of two or more zero groups (the first of equals) becomes "::".
  let best = { start: -1, length: 1 }
  for (let start = 0; start < 8; start++) {
    let length = 0
    while (groups[start + length] === '0') length++
    if (length > best.length) best = { start, length }
  }
  if (best.start === -1) return groups.join(':')
  const head = groups.slice(0, best.start).join(':')
  const tail = groups.slice(best.start + best.length).join(':')
  return `${head}::${tail}`
}

/** The eight groups of an IPv6 address without leading zeros, or null when it is not one. */
function expandIpv6(ip: string): string[] | null {
  const address = ip.split('%')[0]!.toLowerCase()
  const halves = address.split('::')
  if (halves.length > 2) return null
  const part = (text: string | undefined) => (text ? text.split(':') : [])
  const head = part(halves[0])
  const tail = part(halves[1])
  // An embedded IPv4 tail (a.b.c.d) fills the last two groups.
  const last = tail.length ? tail : head
  if (last.at(-1)?.includes('.')) {
    const octets = last.pop()!.split('.').map(Number)
    if (octets.length !== 4 || octets.some((o) => !(o >= 0 && o <= 255))) return null
    last.push(
      ((octets[0]! << 8) | octets[1]!).toString(16),
      ((octets[2]! << 8) | octets[3]!).toString(16),
    )
  }
  const missing = 8 - head.length - tail.length
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail]
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return null
  return groups.map((group) => group.replace(/^0+(?=.)/, ''))
}
