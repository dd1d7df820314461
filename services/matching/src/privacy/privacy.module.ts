import { Module } from '@nestjs/common';
import { MATCHING_CONFIG, type MatchingConfig } from '../config/matching.config.js';
import { PersonalDataCipher } from './personal-data.cipher.js';

/** The cipher sealing personal data, with the configured keys. */
@Module({
  providers: [
    {
      provide: PersonalDataCipher,
      useFactory: (config: MatchingConfig) => new PersonalDataCipher(config.PERSONAL_DATA_KEYS),
      inject: [MATCHING_CONFIG],
    },
  ],
  exports: [PersonalDataCipher],
})
export class PrivacyModule {}
