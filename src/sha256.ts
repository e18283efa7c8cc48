// SHA-256 (FIPS 180-4) in plain JavaScript, for the short texts hashed on the redirect's path.
// Why not node:crypto: in workerd its createHash goes through Node's Buffer and stream layers
// around the native hash, and for a text of a few hundred bytes those layers cost more than this
// whole function does. crypto.subtle.digest is native but asynchronous, and its promise made it
// slower still (docs/performance.md has the figures). Checked against node:crypto in the tests,
// on random texts of every length around the block edges.

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const encoder = new TextEncoder();
// Reused between calls (an isolate runs one piece of JavaScript at a time, and this never awaits).
const w = new Uint32Array(64);
const state = new Int32Array(8);
let bytes = new Uint8Array(1024);

const hex32 = (word: number) =>
  (HEX[(word >>> 24) & 255] as string) + HEX[(word >>> 16) & 255] + HEX[(word >>> 8) & 255] + HEX[word & 255];

// SHA-256's starting state, or the state after a first block of 64 bytes (see sha256Block).
export type Sha256State = Int32Array;
const INITIAL: Sha256State = Int32Array.of(
  0x6a09e667,
  0xbb67ae85,
  0x3c6ef372,
  0xa54ff53a,
  0x510e527f,
  0x9b05688c,
  0x1f83d9ab,
  0x5be0cd19,
);

// Runs the compression over bytes[0, end) (whole blocks), from and into `h`.
function compress(h: Sha256State, end: number): void {
  let h0 = h[0] as number;
  let h1 = h[1] as number;
  let h2 = h[2] as number;
  let h3 = h[3] as number;
  let h4 = h[4] as number;
  let h5 = h[5] as number;
  let h6 = h[6] as number;
  let h7 = h[7] as number;
  for (let offset = 0; offset < end; offset += 64) {
    for (let i = 0, j = offset; i < 16; i++, j += 4) {
      w[i] =
        ((bytes[j] as number) << 24) |
        ((bytes[j + 1] as number) << 16) |
        ((bytes[j + 2] as number) << 8) |
        (bytes[j + 3] as number);
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15] as number;
      const y = w[i - 2] as number;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16] as number) + s0 + (w[i - 7] as number) + s1;
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    let f = h5;
    let g = h6;
    let hh = h7;
    for (let i = 0; i < 64; i++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (hh + s1 + ((e & f) ^ (~e & g)) + (K[i] as number) + (w[i] as number)) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + hh) | 0;
  }
  h[0] = h0;
  h[1] = h1;
  h[2] = h2;
  h[3] = h3;
  h[4] = h4;
  h[5] = h5;
  h[6] = h6;
  h[7] = h7;
}

// The state after hashing `block`, a text of exactly 64 ASCII characters, so that texts
// starting with it can be hashed from there (sha256HexJs's `after`): a per-day salt of 64 hex
// digits is hashed once a day instead of once a click.
export function sha256Block(block: string): Sha256State {
  if (block.length !== 64 || encoder.encodeInto(block, bytes).written !== 64) {
    throw new RangeError("sha256Block takes exactly 64 ASCII characters");
  }
  const h = INITIAL.slice();
  compress(h, 64);
  return h;
}

// Hashes a text's UTF-8 bytes into `state`, from `after` (see sha256Block) or from the start.
function hashInto(text: string, after: Sha256State | undefined): void {
  // UTF-8 takes at most 3 bytes per UTF-16 unit; padding adds at most 72.
  if (bytes.length < text.length * 3 + 72) bytes = new Uint8Array(text.length * 3 + 72);
  const { written: length } = encoder.encodeInto(text, bytes);
  const padded = (length + 9 + 63) & ~63;
  bytes.fill(0, length, padded);
  bytes[length] = 0x80;
  // The message length in bits, as a 64-bit big-endian number (texts here are far below 512 MB,
  // so the bits fit the last four bytes and the top bits of the length the one before).
  const total = after ? length + 64 : length;
  const bits = (total * 8) >>> 0;
  bytes[padded - 5] = total >>> 29;
  bytes[padded - 4] = bits >>> 24;
  bytes[padded - 3] = bits >>> 16;
  bytes[padded - 2] = bits >>> 8;
  bytes[padded - 1] = bits;
  state.set(after ?? INITIAL);
  compress(state, padded);
}

// The first `words` 32-bit words of `state` (8: all of it), as hex.
function stateHex(words: number): string {
  let hex = "";
  for (let i = 0; i < words; i++) hex += hex32(state[i] as number);
  return hex;
}

// The SHA-256 of a text's UTF-8 bytes, as 64 lowercase hex digits; with `after`, of the block it
// was made from followed by the text.
export function sha256HexJs(text: string, after?: Sha256State): string {
  hashInto(text, after);
  return stateHex(8);
}

// An HMAC-SHA256 key as its inner and outer states: each is the hash of one 64-byte block (the
// key XOR ipad, XOR opad) that starts every message's inner and outer hash, so it is hashed once
// per key instead of twice per message, and a message of at most 55 bytes costs two compressions.
export type HmacSha256Key = { inner: Sha256State; outer: Sha256State };

// Takes keys of at most 64 ASCII characters (such as 64 hex digits), which HMAC uses as they are,
// padded with zeros: their blocks XOR the pads stay ASCII, which sha256Block takes.
export function hmacSha256Key(key: string): HmacSha256Key {
  const notTaken = () => new RangeError("hmacSha256Key takes at most 64 ASCII characters");
  if (key.length > 64) throw notTaken();
  let inner = "";
  let outer = "";
  for (let i = 0; i < 64; i++) {
    const byte = i < key.length ? key.charCodeAt(i) : 0;
    if (byte > 0x7f) throw notTaken();
    inner += String.fromCharCode(byte ^ 0x36);
    outer += String.fromCharCode(byte ^ 0x5c);
  }
  return { inner: sha256Block(inner), outer: sha256Block(outer) };
}

// HMAC-SHA256 (RFC 2104) of a text's UTF-8 bytes, as hex of its first `words` 32-bit words: 8 for
// the whole MAC, fewer for one truncated to its leftmost bits (RFC 2104, section 5).
export function hmacSha256HexJs(key: HmacSha256Key, text: string, words = 8): string {
  hashInto(text, key.inner);
  // The outer hash's message is the inner hash's 32 bytes after the outer block, padded to one
  // block: 0x80, zeros, and the length, (64 + 32) bytes = 768 bits.
  for (let i = 0, j = 0; i < 8; i++, j += 4) {
    const word = state[i] as number;
    bytes[j] = word >>> 24;
    bytes[j + 1] = word >>> 16;
    bytes[j + 2] = word >>> 8;
    bytes[j + 3] = word;
  }
  bytes.fill(0, 32, 64);
  bytes[32] = 0x80;
  bytes[62] = 768 >>> 8;
  bytes[63] = 768 & 255;
  state.set(key.outer);
  compress(state, 64);
  return stateHex(words);
}
