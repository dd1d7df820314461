import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { ROLES, type Actor, type Role } from '@boucle/contracts';
import { RPC_HANDLER_METADATA, RpcError, type RpcHandlerMetadata } from '@boucle/messaging';
import { forgeIdentity } from '@boucle/testing';
import { startMatching, type MatchingHarness, type Member } from './harness.js';

/*
 * The permission table of matching, read off its handlers: who may call each command
 * and query. PERMISSIONS.md is the table as people read it; a handler added without its
 * row, or a role changed without the table, fails here. Set UPDATE_PERMISSIONS=1 to
 * write the table anew after a deliberate change.
 */
const TABLE = path.join(import.meta.dirname, '..', 'PERMISSIONS.md');

function handlersOf(h: MatchingHarness): RpcHandlerMetadata[] {
  const discovery = h.app.get(DiscoveryService, { strict: false });
  const scanner = h.app.get(MetadataScanner, { strict: false });
  const found: RpcHandlerMetadata[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    if (!instance) continue;
    for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(instance) as object)) {
      const meta = Reflect.getMetadata(RPC_HANDLER_METADATA, instance[name] as object) as
        RpcHandlerMetadata | undefined;
      if (meta) found.push(meta);
    }
  }
  return found.sort((a, b) => a.definition.subject.localeCompare(b.definition.subject));
}

function table(handlers: RpcHandlerMetadata[]): string {
  const roles = ROLES.filter((r) => r !== 'system');
  const cell = (meta: RpcHandlerMetadata, role: Role) =>
    !meta.roles.includes(role) ? '—' : role === 'coordinator' ? 'all' : 'own';
  return [
    '# Matching permissions',
    '',
    'Who may call each command and query of the matching service, read off its handlers',
    '(`services/matching/test/permissions.int-spec.ts` checks every cell against the',
    'running service). `own`: a beneficiary on their own needs, a member’s people on the',
    'needs of the beneficiaries their member acts for and on its wanted list, another’s',
    'being answered as not found (the catalogue names nobody: `own` there is all of it);',
    '`all`: the whole cluster; `—`: refused as `forbidden`. Within what a role may call,',
    'the service refuses what the role does not do (a firm asking for a medical aid, a',
    'beneficiary for a material). `system` (a service acting on its own) is never',
    'accepted from a request.',
    '',
    `| request | kind | ${roles.join(' | ')} |`,
    `| --- | --- | ${roles.map(() => '---').join(' | ')} |`,
    ...handlers.map(
      (meta) =>
        `| \`${meta.definition.subject}\` | ${meta.definition.kind} | ${roles.map((r) => cell(meta, r)).join(' | ')} |`,
    ),
    '',
  ].join('\n');
}

describe('matching permissions', () => {
  let h: MatchingHarness;
  let fixture: Member;

  beforeAll(async () => {
    h = await startMatching();
    fixture = h.member();
  });

  afterAll(async () => {
    await h?.close();
  });

  it('should list every handler in the permission table, with its roles', async () => {
    const generated = table(handlersOf(h));
    if (process.env['UPDATE_PERMISSIONS'] === '1') await writeFile(TABLE, generated);

    expect(await readFile(TABLE, 'utf8')).toBe(generated);
  });

  it('should refuse every role a handler does not declare, and let the others through', async () => {
    const handlers = handlersOf(h);
    expect(handlers.length).toBeGreaterThan(6);
    const refused: string[] = [];
    const answered: string[] = [];
    for (const meta of handlers) {
      for (const role of ROLES) {
        const actor: Actor = {
          userId: `${role}-1`,
          role,
          organisationId: role === 'coordinator' ? null : fixture.organisationId,
        };
        // Only the actor: an allowed role gets past the gate and meets validation. No
        // honest signer speaks as system: that identity is forged.
        const code = await h.rpc
          .send(
            meta.definition.subject,
            role === 'system' ? {} : { actor },
            role === 'system'
              ? { identity: forgeIdentity({ sub: actor.userId, role, org: null }) }
              : {},
          )
          .then(
            () => 'ok',
            (error: unknown) => (error instanceof RpcError ? error.code : String(error)),
          );
        const cell = `${meta.definition.subject} as ${role}`;
        if (role === 'system') expect({ cell, code }).toEqual({ cell, code: 'unauthenticated' });
        else if (code === 'forbidden') refused.push(cell);
        else answered.push(cell);
      }
    }

    const people = ROLES.filter((role) => role !== 'system');
    const expectedRefused = handlers.flatMap((meta) =>
      people
        .filter((role) => !meta.roles.includes(role))
        .map((role) => `${meta.definition.subject} as ${role}`),
    );
    expect(refused).toEqual(expectedRefused);
    expect(answered).toHaveLength(handlers.length * people.length - expectedRefused.length);
  });
});
