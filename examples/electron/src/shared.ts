// What crosses the IPC boundary: plain, structured-clone-safe data.
export interface ProductRow {
  productCode: string;
  context: string;
  name: string | null;
  version: string | null;
}

export type ProductsReply = { ok: true; rows: ProductRow[] } | { ok: false; reason: string; code: string };

export interface MsiLuaBridge {
  products(): Promise<ProductsReply>;
}
