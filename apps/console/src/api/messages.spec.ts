import { describe, expect, it } from '@jest/globals';
import { makeI18n } from '../i18n/catalogue';
import { say, titleOf } from './messages';

const fr = makeI18n('fr', () => undefined);
const en = makeI18n('en', () => undefined);

describe('say', () => {
  it('should say in French what blocks a gate, with the states and gates in words', () => {
    expect(
      say(
        'Invacare Action 3 SN1 is received: certification needs the gate(s) triage, checklist recorded first',
        fr,
      ),
    ).toEqual({
      text: 'Invacare Action 3 SN1 est « reçu » : l’étape certification demande d’abord : tri, liste de contrôle.',
      lang: 'fr',
    });
    expect(
      say('bulk 1f is collected: it cannot become delivered (allowed next: none)', fr).text,
    ).toBe('bulk 1f est « collecté » : ne peut pas devenir « livré » (possible ensuite : aucun).');
  });

  it('should say a field’s rule in French, numbers as French writes them', () => {
    expect(say('Too big: expected string to have <=100 characters', fr).text).toBe(
      '100 caractères au plus.',
    );
    expect(say('Too small: expected number to be >=0.001', fr).text).toBe('Au moins 0,001.');
    expect(say('checklist incomplete, not done: Freins réglés', fr).text).toBe(
      'Liste incomplète ; reste à faire : Freins réglés.',
    );
  });

  it('should say the rules of a lot’s window and of a device model in French', () => {
    expect(say('must be after availableFrom', fr).text).toBe('Doit suivre le début.');
    expect(say('must be in the future', fr).text).toBe('Doit être dans le futur.');
    expect(say('Too big: expected array to have <=50 items', fr).text).toBe('Au plus 50 éléments.');
    expect(say('must be an ISO 9999 class such as "12 22" or "12 22 03"', fr).text).toContain(
      'Une classe ISO 9999 est attendue',
    );
  });

  it('should show a message it does not know as the API wrote it, marked as English', () => {
    expect(say('the moon is full', fr)).toEqual({ text: 'the moon is full', lang: 'en' });
  });

  it('should leave the API’s English as it is for an English reader', () => {
    expect(say('cannot be in the future', en)).toEqual({
      text: 'cannot be in the future',
      lang: 'en',
    });
  });
});

describe('titleOf', () => {
  it('should name a problem by its type, the console’s own ones too', () => {
    const problem = (type: string) => ({ type, title: 'x', status: 409, detail: '' });
    expect(titleOf(problem('https://boucle.example/problems/invalid-transition'), fr)).toBe(
      'Impossible dans son état actuel',
    );
    expect(titleOf(problem('about:blank#network'), fr)).toBe(
      'Pas de réseau : la demande n’a pas reçu de réponse',
    );
  });
});
