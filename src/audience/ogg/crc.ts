/**
 * CRC-32 of Ogg pages (RFC 3533 §6): polynomial 0x04c11db7, initial value 0, not reflected,
 * no final XOR, computed over the whole page with the checksum field set to zero.
 */
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let bit = 0; bit < 8; bit++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

export function oggCrc32(bytes: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < bytes.length; i++) {
    crc = (crc << 8) ^ (TABLE[((crc >>> 24) ^ (bytes[i] ?? 0)) & 0xff] ?? 0);
  }
  return crc >>> 0;
}
