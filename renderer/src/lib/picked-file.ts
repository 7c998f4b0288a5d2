/** The file picked in a file input, read whole. */
export interface PickedFile {
  name: string
  bytes: Uint8Array
}

/** Reads a picked file's bytes; null when none was picked. */
export async function pickedFile(input: HTMLInputElement): Promise<PickedFile | null> {
  const file = input.files?.[0]
  if (file == null) return null
  return { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) }
}
