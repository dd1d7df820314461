import { randomBytes } from 'node:crypto';
import { PersonalDataCipher, UnknownKeyError } from './personal-data.cipher.js';

describe(PersonalDataCipher.name, () => {
  const old = { id: 'k2025', key: randomBytes(32) };
  const current = { id: 'k2026', key: randomBytes(32) };
  const person = { name: 'Zéphyrine Martin', phone: '+33 6 12 34 56 78' };

  describe('seal', () => {
    it('should seal with the first key and open what it sealed, never showing the value', () => {
      const sut = new PersonalDataCipher([current, old]);

      const { sealed, keyId } = sut.seal(person, 'beneficiary:ben-1');

      expect(keyId).toBe('k2026');
      expect(sealed.toString('latin1')).not.toContain('Martin');
      expect(sealed.toString('utf8')).not.toContain('Martin');
      expect(sut.open(sealed, keyId, 'beneficiary:ben-1')).toEqual(person);
    });

    it('should seal the same value differently each time', () => {
      const sut = new PersonalDataCipher([current]);

      const a = sut.seal(person, 'beneficiary:ben-1').sealed;
      const b = sut.seal(person, 'beneficiary:ben-1').sealed;

      expect(a.equals(b)).toBe(false);
    });
  });

  describe('open', () => {
    it('should open what an older key sealed while that key is still given', () => {
      const before = new PersonalDataCipher([old]).seal(person, 'need:1');

      expect(new PersonalDataCipher([current, old]).open(before.sealed, 'k2025', 'need:1')).toEqual(
        person,
      );
      expect(() =>
        new PersonalDataCipher([current]).open(before.sealed, 'k2025', 'need:1'),
      ).toThrow(UnknownKeyError);
    });

    it('should refuse a value moved to another row, or altered by one bit', () => {
      const sut = new PersonalDataCipher([current]);
      const { sealed, keyId } = sut.seal(person, 'beneficiary:ben-1');
      const altered = Buffer.from(sealed);
      altered[altered.length - 1]! ^= 1;

      expect(() => sut.open(sealed, keyId, 'beneficiary:ben-2')).toThrow();
      expect(() => sut.open(altered, keyId, 'beneficiary:ben-1')).toThrow();
    });

    it('should refuse a key that is not 32 bytes', () => {
      expect(() => new PersonalDataCipher([{ id: 'short', key: randomBytes(16) }])).toThrow(
        /32 bytes/,
      );
    });
  });
});
