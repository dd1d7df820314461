import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { say } from '../api/messages';
import { ApiProblem } from '../api/problem';
import { homeOf } from '../app/groups';
import { LANGUAGES, useI18n } from '../i18n/i18n';
import { ErrorSummary, Field, PageHeading, type FieldMessage } from '../shared/form';
import { readToken, sessionStore, type TokenRefusal } from './session';
import { readSignInConfig, type ProviderSignIn } from './sign-in-config';

const REFUSALS: Record<TokenRefusal, 'signIn.malformed' | 'signIn.noRole' | 'signIn.expired'> = {
  malformed: 'signIn.malformed',
  'no-role': 'signIn.noRole',
  expired: 'signIn.expired',
};

/**
 * Sign-in at the cluster's OIDC provider (its own page, authorization code with PKCE) when
 * the gateway names one, or with a bearer token pasted: on this machine the development
 * provider's tokens come from `npm run token`.
 */
export function SignInPage() {
  const i18n = useI18n();
  const { t, language, setLanguage } = i18n;
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [token, setToken] = useState('');
  const [error, setError] = useState<FieldMessage | null>(null);
  const [busy, setBusy] = useState(false);
  const expired = sessionStore.endedBecause() === 'expired';
  const [provider, setProvider] = useState<ProviderSignIn | null>(null);

  useEffect(() => {
    let current = true;
    void readSignInConfig().then((config) => {
      if (current) setProvider(config);
    });
    return () => {
      current = false;
    };
  }, []);

  async function signInAtProvider() {
    if (!provider) return;
    setBusy(true);
    try {
      const oidc = await import('./oidc');
      await oidc.signInAtProvider(provider, params.get('next'));
    } catch {
      setError({ text: t('signIn.providerFailed'), lang: language });
      setBusy(false);
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const read = readToken(token);
    if ('refusal' in read) {
      setError({ text: t(REFUSALS[read.refusal]), lang: language });
      return;
    }
    setBusy(true);
    try {
      // The gateway says whether it takes this token; without network, it is taken on trust
      // so that intakes can be recorded and sent later.
      await unwrap(
        api.GET('/v1/goods', {
          params: { query: { limit: 1 } },
          headers: { Authorization: `Bearer ${read.session.token}` },
        }),
      );
    } catch (caught) {
      if (caught instanceof ApiProblem && caught.status === 401) {
        setError(say(caught.problem.detail, i18n));
        setBusy(false);
        return;
      }
    }
    sessionStore.signIn(read.session);
    const next = params.get('next');
    // Only a path of this console, never another site.
    const target = next && next.startsWith('/') && !next.startsWith('//') ? next : undefined;
    void navigate(target ?? homeOf(read.session.role) ?? '/', { replace: true });
  }

  const other = LANGUAGES.find((l) => l !== language)!;
  return (
    <main id="main" className="sign-in" tabIndex={-1}>
      <div className="sign-in__tools">
        <button
          type="button"
          className="button button--quiet"
          lang={other}
          onClick={() => setLanguage(other)}
        >
          {other === 'en' ? 'English' : 'Français'}
        </button>
      </div>
      <PageHeading title={t('signIn.title')}>{t('signIn.title')}</PageHeading>
      {expired ? <p className="notice">{t('signIn.sessionEnded')}</p> : null}
      <ErrorSummary
        title={t('form.problems')}
        items={error ? [{ path: 'token', message: error }] : []}
      />
      {provider ? (
        <>
          <p>
            <button
              type="button"
              className="button button--primary"
              disabled={busy}
              onClick={() => void signInAtProvider()}
            >
              {t('signIn.provider')}
            </button>
          </p>
          <h2>{t('signIn.orToken')}</h2>
        </>
      ) : null}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field
          path="token"
          label={t('signIn.token')}
          hint={
            <>
              {t('signIn.hint')} <code>npm run token -- --role operator --org &lt;id&gt;</code>
            </>
          }
          errors={error ? [error] : []}
          required
        >
          {(props) => (
            <textarea
              {...props}
              name="token"
              rows={5}
              spellCheck={false}
              autoComplete="off"
              autoFocus={!provider}
              value={token}
              onChange={(e) => setToken(e.target.value)}
              onKeyDown={(e) => {
                // Enter signs in (a token has no line breaks); Shift+Enter stays a new line.
                if (e.key === 'Enter' && !e.shiftKey) {
                  e.preventDefault();
                  e.currentTarget.form?.requestSubmit();
                }
              }}
            />
          )}
        </Field>
        <button
          type="submit"
          className={provider ? 'button' : 'button button--primary'}
          disabled={busy}
        >
          {t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}
