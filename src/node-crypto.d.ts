// The slice of node:crypto (provided by workerd's nodejs_compat) that Swayline uses. Node's own
// type package would clash with the Workers runtime types, so only this is declared.
declare module "node:crypto" {
  interface Hash {
    update(data: string): Hash;
    digest(encoding: "hex" | "base64"): string;
  }
  export function createHash(algorithm: "sha256"): Hash;
  export function createHmac(algorithm: "sha256", key: string): Hash;
}
