import { describe, expect, it } from '@jest/globals';
import { emptySite, toSiteRequest, type SiteDraft } from './site-form';

const MEMBER = '33333333-3333-4333-8333-333333333333';
const draft = (change: Partial<SiteDraft> = {}): SiteDraft => ({
  ...emptySite(MEMBER),
  name: 'Ressourcerie du Val, Longueau',
  kind: 'reuse-village',
  locality: 'Longueau',
  latitude: '49,8721',
  longitude: '2,3604',
  locations: 'Accueil\n\n Atelier \n',
  ...change,
});

describe('toSiteRequest', () => {
  it('should send the site with its position in decimal degrees and one location a line', () => {
    expect(toSiteRequest(draft())).toEqual({
      body: {
        organisationId: MEMBER,
        name: 'Ressourcerie du Val, Longueau',
        kind: 'reuse-village',
        locality: 'Longueau',
        position: { latitude: 49.8721, longitude: 2.3604 },
        locations: ['Accueil', 'Atelier'],
      },
    });
    expect(toSiteRequest(draft({ latitude: '', longitude: ' ' }))).toEqual({
      body: expect.not.objectContaining({ position: expect.anything() }),
    });
  });

  it('should refuse half a position, a position off the map, and no or twice the same location', () => {
    const rules = (change: Partial<SiteDraft>) => {
      const result = toSiteRequest(draft(change));
      return 'checks' in result ? result.checks.map((c) => [c.path, c.rule]) : [];
    };
    expect(rules({ longitude: '' })).toEqual([['position.longitude', 'rule.bothOrNone']]);
    expect(rules({ latitude: '91' })).toEqual([['position.latitude', 'rule.degrees']]);
    expect(rules({ locations: ' \n' })).toEqual([['locations', 'rule.minItems']]);
    expect(rules({ locations: 'Accueil\naccueil' })).toEqual([
      ['locations', 'rule.duplicateLocation'],
    ]);
    expect(rules({ organisationId: '', kind: '' })).toEqual([
      ['organisationId', 'rule.choose'],
      ['kind', 'rule.choose'],
    ]);
  });
});
