export type AssetKind = 'cpu' | 'gpu' | 'memory' | 'storage'

/** Reads one kind of resource from the operating system. */
export interface AssetAdapter<K extends AssetKind = AssetKind, R = unknown> {
  readonly kind: K
  /** A fresh reading of the resource. Rejects only when the OS cannot be read at all. */
  read(): Promise<R>
}
