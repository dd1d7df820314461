import { api, unwrap } from '../../../api/client';
import type { paths } from '../../../api/schema';

type BodyOf<P extends keyof paths> = paths[P] extends {
  post: { requestBody?: { content: { 'application/json': infer B } } };
}
  ? B
  : never;

export type TriageBody = BodyOf<'/v1/goods/{goodId}/triage'>;
export type ChecklistBody = BodyOf<'/v1/goods/{goodId}/checklist'>;
export type QualityCheckBody = BodyOf<'/v1/goods/{goodId}/quality-check'>;
export type DisinfectionBody = BodyOf<'/v1/goods/{goodId}/disinfection'>;
export type CertificationBody = BodyOf<'/v1/goods/{goodId}/certification'>;

export type StepBody =
  | { step: 'triage'; body: TriageBody }
  | { step: 'start'; body: Record<string, never> }
  | { step: 'checklist'; body: ChecklistBody }
  | { step: 'quality-check'; body: QualityCheckBody }
  | { step: 'disinfection'; body: DisinfectionBody }
  | { step: 'certification'; body: CertificationBody }
  | { step: 'release'; body: Record<string, never> };

/**
 * Records one step of an aid, only if it has not changed since it was read (`If-Match`
 * with its ETag: a 412 otherwise), once however often it is sent (`Idempotency-Key`).
 * Answers the aid's state afterwards.
 */
export async function recordStep(
  goodId: string,
  command: StepBody,
  headers: { etag: string | undefined; key: string },
): Promise<string> {
  const params = {
    path: { goodId },
    header: {
      'Idempotency-Key': headers.key,
      ...(headers.etag ? { 'If-Match': headers.etag } : {}),
    },
  };
  switch (command.step) {
    case 'triage':
      return (await unwrap(api.POST('/v1/goods/{goodId}/triage', { params, body: command.body })))
        .data.state;
    case 'start':
      return (await unwrap(api.POST('/v1/goods/{goodId}/refurbishment', { params, body: {} }))).data
        .state;
    case 'checklist':
      return (
        await unwrap(api.POST('/v1/goods/{goodId}/checklist', { params, body: command.body }))
      ).data.state;
    case 'quality-check':
      return (
        await unwrap(api.POST('/v1/goods/{goodId}/quality-check', { params, body: command.body }))
      ).data.state;
    case 'disinfection':
      return (
        await unwrap(api.POST('/v1/goods/{goodId}/disinfection', { params, body: command.body }))
      ).data.state;
    case 'certification':
      return (
        await unwrap(api.POST('/v1/goods/{goodId}/certification', { params, body: command.body }))
      ).data.state;
    case 'release':
      return (await unwrap(api.POST('/v1/goods/{goodId}/release', { params, body: {} }))).data
        .state;
  }
}
