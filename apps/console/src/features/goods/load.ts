import { api, unwrap } from '../../api/client';
import type { Good, Passport } from '../../api/types';

/** A good with its revision (the ETag an edit sends back as If-Match). */
export async function loadGood(goodId: string): Promise<{ good: Good; etag: string | undefined }> {
  const { data, response } = await unwrap(
    api.GET('/v1/goods/{goodId}', { params: { path: { goodId } } }),
  );
  return { good: data, etag: response.headers.get('ETag') ?? undefined };
}

export async function loadPassport(goodId: string): Promise<Passport> {
  return (await unwrap(api.GET('/v1/goods/{goodId}/passport', { params: { path: { goodId } } })))
    .data;
}
