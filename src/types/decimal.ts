/**
 * An exact decimal: `unscaled × 10^-scale`, as Java's BigDecimal. DECIMAL values keep their
 * scale through the engine and into output (`2.50` stays `2.50`).
 */
export class Decimal {
  readonly unscaled: bigint
  readonly scale: number

  constructor(unscaled: bigint, scale: number) {
    this.unscaled = unscaled
    this.scale = scale
  }

  /** Parses `-12.340`, `1E+3`, `.5`; throws RangeError on anything else. */
  static parse(text: string): Decimal {
    const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text)
    if (m === null || ((m[2] ?? '') === '' && (m[3] ?? '') === '')) {
      throw new RangeError(`Invalid decimal: ${text}`)
    }
    const int = m[2] ?? ''
    const frac = m[3] ?? ''
    const exp = m[4] === undefined ? 0 : Number(m[4])
    let unscaled = BigInt(`${int}${frac}` || '0')
    if (m[1] === '-') unscaled = -unscaled
    let scale = frac.length - exp
    if (scale < 0) {
      unscaled *= 10n ** BigInt(-scale)
      scale = 0
    }
    return new Decimal(unscaled, scale)
  }

  static fromBigInt(v: bigint): Decimal {
    return new Decimal(v, 0)
  }

  /** Number of significant digits of the unscaled value (at least 1), as BigDecimal.precision(). */
  get precision(): number {
    const s = (this.unscaled < 0n ? -this.unscaled : this.unscaled).toString()
    return s.length
  }

  /** The value with another scale, rounding HALF_UP when digits are dropped. */
  setScale(scale: number): Decimal {
    if (scale === this.scale) return this
    if (scale > this.scale) return new Decimal(this.unscaled * 10n ** BigInt(scale - this.scale), scale)
    const div = 10n ** BigInt(this.scale - scale)
    const q = this.unscaled / div
    const r = this.unscaled % div
    const twice = (r < 0n ? -r : r) * 2n
    const rounded = twice >= div ? q + (this.unscaled < 0n ? -1n : 1n) : q
    return new Decimal(rounded, scale)
  }

  compareTo(other: Decimal): number {
    const s = Math.max(this.scale, other.scale)
    const a = this.setScale(s).unscaled
    const b = other.setScale(s).unscaled
    return a < b ? -1 : a > b ? 1 : 0
  }

  equals(other: Decimal): boolean {
    return this.unscaled === other.unscaled && this.scale === other.scale
  }

  toNumber(): number {
    return Number(this.toString())
  }

  /** Plain notation, never exponent: `-0.050`, `120`. */
  toString(): string {
    const neg = this.unscaled < 0n
    let digits = (neg ? -this.unscaled : this.unscaled).toString()
    if (this.scale <= 0) return (neg ? '-' : '') + digits + '0'.repeat(-this.scale)
    if (digits.length <= this.scale) digits = '0'.repeat(this.scale - digits.length + 1) + digits
    const point = digits.length - this.scale
    return `${neg ? '-' : ''}${digits.slice(0, point)}.${digits.slice(point)}`
  }

  toJSON(): string {
    return this.toString()
  }
}
