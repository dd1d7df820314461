import { env, loadConfig } from '@boucle/config';

const shape = {
  NATS_URL: env.natsUrl().default('nats://127.0.0.1:4222'),
  /** The prefix the services run with; empty in production. */
  SUBJECT_PREFIX: env.subjectPrefix(),
};

export type DeadLettersConfig = ReturnType<typeof loadDeadLettersConfig>;

/** The only place the dead-letter command reads its environment. */
export function loadDeadLettersConfig(
  environment: Record<string, string | undefined> = process.env,
) {
  return loadConfig('deadletters', shape, environment);
}
