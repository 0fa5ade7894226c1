/** A stored time (integer milliseconds since the epoch, UTC) as ISO-8601, or null. */
export function toIsoTime(ms: number): string
export function toIsoTime(ms: number | null): string | null
export function toIsoTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString()
}
