import { api, unwrap } from '../../../api/client';
import type { DiversionRoute } from '../../../api/types';

/**
 * The firm's commands on an offered lot, each sent with the lot's ETag (`If-Match`: only
 * if nobody changed it since the page read it, else 412) and an `Idempotency-Key` (once
 * however often it is sent).
 */
export type LotCommand =
  | { kind: 'window'; body: { availableFrom: string; mustBeGoneBy: string } }
  | { kind: 'divert'; body: { destination: { route: DiversionRoute; facility: string } } }
  | { kind: 'withdraw'; body: Record<string, never> };

export type LotAnswer =
  | { kind: 'window'; availableFrom: string; mustBeGoneBy: string; cappedHoldIds: string[] }
  | { kind: 'divert'; diverted: string }
  | { kind: 'withdraw'; withdrawn: string; releasedHoldIds: string[] };

export async function sendLotCommand(
  goodId: string,
  command: LotCommand,
  headers: { etag: string | undefined; key: string },
): Promise<LotAnswer> {
  const params = {
    path: { goodId },
    header: {
      'Idempotency-Key': headers.key,
      ...(headers.etag ? { 'If-Match': headers.etag } : {}),
    },
  };
  switch (command.kind) {
    case 'window': {
      const { data } = await unwrap(
        api.POST('/v1/lots/{goodId}/window', { params, body: command.body }),
      );
      return { kind: 'window', ...data };
    }
    case 'divert': {
      const { data } = await unwrap(
        api.POST('/v1/lots/{goodId}/diversion', { params, body: command.body }),
      );
      return { kind: 'divert', diverted: data.diverted };
    }
    case 'withdraw': {
      const { data } = await unwrap(api.POST('/v1/lots/{goodId}/withdrawal', { params, body: {} }));
      return { kind: 'withdraw', withdrawn: data.withdrawn, releasedHoldIds: data.releasedHoldIds };
    }
  }
}
