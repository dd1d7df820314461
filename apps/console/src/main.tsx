import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router/dom';
import { createRouter } from './app/router';
import { I18nProvider, loadCatalogue, storedLanguage } from './i18n/i18n';
import './styles.css';

const router = createRouter();

// A device set to English fetches its words first; French, the default, is already here.
// (A then, not a top-level await: that would make the bundler split the first file apart.)
void loadCatalogue(storedLanguage())
  .catch(() => undefined)
  .then(() =>
    createRoot(document.getElementById('root')!).render(
      <StrictMode>
        <I18nProvider>
          <RouterProvider router={router} />
        </I18nProvider>
      </StrictMode>,
    ),
  );

// The app's files kept on the device, so that a counter with a weak connection still
// opens the console (intakes then wait in the outbox). Secure pages only, as browsers allow.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  void navigator.serviceWorker.register('/sw.js').catch(() => undefined);
}
