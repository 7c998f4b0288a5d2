/**
 * FALCON-1024 signing and verification in constant time: liboqs (Open Quantum Safe) compiled to
 * WebAssembly (@oqs/liboqs-js). Its Falcon is PQClean's portable "clean" implementation, which does the
 * signer's floating-point arithmetic with integers, in constant time (fpr.h: "Custom floating-point
 * implementation with integer arithmetics"); the module has no floating-point arithmetic instruction at
 * all (falcon-liboqs.test.ts checks that of the build installed). @noble/post-quantum's Falcon signs with
 * data-dependent sampling and native floating point, so its timing can leak the secret key; it stays for
 * deterministic key generation from a seed, which runs once, locally.
 *
 * liboqs-js compiles its WebAssembly asynchronously, so this module waits for it when it is imported
 * (top-level await): by the time anything can call sign(), it is ready, in every process and worker thread
 * that loads the ledger's code. Its signatures and keys are the same format as @noble's, checked both ways
 * by the signature scheme suite.
 */
import { createFalcon1024 } from '@oqs/liboqs-js/sig'

const liboqs = await createFalcon1024()

/**
 * liboqs-js takes only exact Uint8Arrays (it checks the constructor's name), so a Buffer, which is what
 * node:crypto decrypts to, would be refused as "invalid": each input is passed as a plain view of the same
 * bytes.
 */
const plain = (bytes: Uint8Array): Uint8Array =>
  new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)

export const liboqsFalcon1024 = {
  sign: (message: Uint8Array, secretKey: Uint8Array): Uint8Array =>
    liboqs.sign(plain(message), plain(secretKey)),
  /** Throws for wrong-sized keys and signatures; the SignatureScheme around it turns that into false. */
  verify: (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean =>
    liboqs.verify(plain(message), plain(signature), plain(publicKey)),
}
