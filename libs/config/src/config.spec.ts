import { z } from 'zod';
import { ConfigError, env, loadConfig, serviceShape } from './config.js';

describe(loadConfig.name, () => {
  const shape = { ...serviceShape, HTTP_PORT: env.port(3001), RELAY_BATCH: env.positiveInt(256) };
  const valid = {
    DATABASE_URL: 'postgres://boucle@127.0.0.1:5432/inventory',
    NATS_URL: 'nats://127.0.0.1:4222',
    REDIS_URL: 'redis://127.0.0.1:6379',
    IDENTITY_PUBLIC_KEYS:
      '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA0J0S2y4cq+f5MfEpN7Dk3eQ6u0n0yHcBF0b7rAzT7Yw=\n-----END PUBLIC KEY-----\n',
  };

  it('should return typed values with defaults when the environment is complete', () => {
    const sut = loadConfig('inventory', shape, valid);
    expect(sut).toMatchObject({
      HTTP_PORT: 3001,
      RELAY_BATCH: 256,
      SUBJECT_PREFIX: '',
      LOG_LEVEL: 'info',
    });
    expect(Object.isFrozen(sut)).toBe(true);
  });

  it('should coerce numbers given as strings', () => {
    expect(loadConfig('inventory', shape, { ...valid, HTTP_PORT: '4001' }).HTTP_PORT).toBe(4001);
  });

  it('should refuse identity keys that are not PEM public keys, naming the variable', () => {
    expect(() =>
      loadConfig('inventory', shape, { ...valid, IDENTITY_PUBLIC_KEYS: 'secret' }),
    ).toThrow(/IDENTITY_PUBLIC_KEYS: must hold at least one PEM public key/);
  });

  it('should name a missing variable', () => {
    const { NATS_URL: _omitted, ...rest } = valid;
    expect(() => loadConfig('inventory', shape, rest)).toThrow(/NATS_URL: is required but not set/);
  });

  it('should name every bad variable at once with its rule', () => {
    try {
      loadConfig('inventory', shape, { ...valid, DATABASE_URL: 'mysql://x', HTTP_PORT: '99999' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const variables = (error as ConfigError).problems.map((p) => p.variable);
      expect(variables).toEqual(expect.arrayContaining(['DATABASE_URL', 'HTTP_PORT']));
      expect((error as ConfigError).message).toMatch(
        /DATABASE_URL: must be a URL starting with postgres:/,
      );
    }
  });

  it('should reject a subject prefix that would break subject names', () => {
    expect(() =>
      loadConfig('inventory', shape, { ...valid, SUBJECT_PREFIX: 'Bad Prefix' }),
    ).toThrow(/SUBJECT_PREFIX/);
  });

  it('should leave NATS credentials unset unless NATS_USER and NATS_PASSWORD are set', () => {
    const none = loadConfig('inventory', shape, valid);
    expect([none.NATS_USER, none.NATS_PASSWORD]).toEqual([undefined, undefined]);
    const sut = loadConfig('inventory', shape, {
      ...valid,
      NATS_USER: 'inventory',
      NATS_PASSWORD: 's3cret',
    });
    expect([sut.NATS_USER, sut.NATS_PASSWORD]).toEqual(['inventory', 's3cret']);
  });

  it('should refuse credentials in NATS_URL, which the NATS client would ignore', () => {
    expect(() =>
      loadConfig('inventory', shape, {
        ...valid,
        NATS_URL: 'nats://inventory:s3cret@127.0.0.1:4222',
      }),
    ).toThrow(/NATS_URL: must not carry credentials/);
  });

  it('should leave stream replicas unset unless STREAM_REPLICAS is set', () => {
    expect(loadConfig('inventory', shape, valid).STREAM_REPLICAS).toBeUndefined();
    const sut = loadConfig('inventory', shape, { ...valid, STREAM_REPLICAS: '3' });
    expect(sut.STREAM_REPLICAS).toBe(3);
  });

  it.each(['0', '6', '2.5', 'three', ''])('should name STREAM_REPLICAS when it is %j', (value) => {
    try {
      loadConfig('inventory', shape, { ...valid, STREAM_REPLICAS: value });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.variable)).toEqual(['STREAM_REPLICAS']);
    }
  });

  it('should parse booleans strictly', () => {
    const sut = loadConfig('x', { FLAG: env.boolean(false) }, { FLAG: '1' });
    expect(sut.FLAG).toBe(true);
    expect(() => loadConfig('x', { FLAG: env.boolean(false) }, { FLAG: 'yes' })).toThrow(/FLAG/);
  });

  it('should accept any zod schema for service-specific variables', () => {
    const sut = loadConfig('x', { MODE: z.enum(['a', 'b']) }, { MODE: 'b' });
    expect(sut.MODE).toBe('b');
  });
});
