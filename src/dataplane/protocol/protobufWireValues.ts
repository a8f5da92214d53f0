// Small conversions between the neutral message model and protobufjs's wire values: uint64
// (bigint here, Long or number in protobufjs) and the varints the sequenced-message fast path
// writes around an already encoded body.
import type protobuf from "protobufjs";

const TWO_POW_32 = 0x1_0000_0000n;
const MAX_UINT64 = (1n << 64n) - 1n;

/** A uint64 as protobufjs decodes it: a Long when long.js is present (it is), else a number. */
export function uint64FromWire(value: protobuf.Long | number): bigint {
  if (typeof value === "number") return BigInt(value);
  return (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
}

/**
 * A uint64 in the form protobufjs's writer accepts: a number while it is exact, else the
 * `{low, high}` halves its LongBits conversion reads.
 */
export function uint64ToWire(value: bigint): number | protobuf.Long {
  if (value < 0n || value > MAX_UINT64) throw new RangeError(`${value} is not a uint64`);
  if (value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  const halves = {
    low: Number(value % TWO_POW_32) | 0,
    high: Number(value / TWO_POW_32) | 0,
    unsigned: true,
  };
  // protobufjs only reads `low` and `high` (LongBits.from); a full Long instance is not needed.
  return halves as unknown as protobuf.Long;
}

/** Bytes a base-128 varint of `value` takes (1 to 10). */
export function varintLength(value: bigint | number): number {
  if (value < 0) throw new RangeError(`${value} cannot be written as a varint`);
  const small = typeof value === "number" ? value : value <= 0x7fff_ffffn ? Number(value) : -1;
  if (small >= 0 && small <= 0x7fff_ffff) {
    return small < 0x80 ? 1 : small < 0x4000 ? 2 : small < 0x20_0000 ? 3 : small < 0x1000_0000 ? 4 : 5;
  }
  let remaining = BigInt(value);
  let length = 1;
  while (remaining >= 0x80n) {
    remaining >>= 7n;
    length += 1;
  }
  return length;
}

/** Writes `value` as a base-128 varint at `offset`; returns the offset after it. */
export function writeVarint(target: Buffer, offset: number, value: bigint | number): number {
  if (value < 0) throw new RangeError(`${value} cannot be written as a varint`);
  let position = offset;
  const small = typeof value === "number" ? value : value <= 0x7fff_ffffn ? Number(value) : -1;
  if (small >= 0 && small <= 0x7fff_ffff) {
    let remaining = small;
    while (remaining >= 0x80) {
      target[position++] = (remaining & 0x7f) | 0x80;
      remaining >>>= 7;
    }
    target[position++] = remaining;
    return position;
  }
  let remaining = BigInt(value);
  while (remaining >= 0x80n) {
    target[position++] = Number(remaining & 0x7fn) | 0x80;
    remaining >>= 7n;
  }
  target[position++] = Number(remaining);
  return position;
}
