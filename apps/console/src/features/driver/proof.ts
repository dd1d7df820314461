import { idempotencyKey } from '../../api/client';

/**
 * Proof of collection kept on the phone: the API takes a photo's or a signature's
 * reference, not the image (no route receives files), so the image stays with the record
 * on the device and the reference is its SHA-256 digest, by which a copy handed in later
 * is recognised. Never a name: the reference says only what kind of proof it is.
 */
export async function referenceOf(blob: Blob, role: 'photo' | 'signature'): Promise<string> {
  return `${role}:${await digest(blob)}`;
}

async function digest(blob: Blob): Promise<string> {
  // Secure pages only have subtle crypto; a phone on the cluster's plain-HTTP network
  // gets a random reference instead, unique all the same.
  if (!globalThis.crypto?.subtle) return idempotencyKey().replace(/-/g, '');
  const hash = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(hash).slice(0, 16), (b) => b.toString(16).padStart(2, '0')).join(
    '',
  );
}

/** A `data:` URL's bytes, read here: the pages may not fetch `data:` URLs (their CSP). */
export function blobOf(dataUrl: string): Blob {
  const [head = '', body = ''] = dataUrl.split(',', 2);
  const type = /^data:([^;,]+)/.exec(head)?.[1] ?? 'application/octet-stream';
  const bytes = head.endsWith(';base64')
    ? Uint8Array.from(atob(body), (c) => c.charCodeAt(0))
    : new TextEncoder().encode(decodeURIComponent(body));
  return new Blob([bytes], { type });
}

/** A file as a `data:` URL, for its preview (the pages show images from data: URLs only). */
export function dataUrlOf(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : '');
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(blob);
  });
}
