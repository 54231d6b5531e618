import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../config/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempFile(contents: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'config-test-'));
  dirs.push(dir);
  const file = join(dir, 'config.json');
  writeFileSync(file, typeof contents === 'string' ? contents : JSON.stringify(contents));
  return file;
}

function configError(load: () => unknown): ConfigError {
  try {
    load();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the documented defaults with an empty environment', () => {
    const config = loadConfig({ env: {} });
    expect(config.kafka).toMatchObject({ brokers: ['127.0.0.1:9092'], topicPrefix: 'iot', partitions: 6 });
    expect(config.kafka.clientId).toBeUndefined();
    expect(config.mqtt).toEqual({
      host: '0.0.0.0',
      port: 1883,
      wsPort: 8083,
      plainListeners: 'on',
      tlsPort: 8883,
      wssPort: 8884,
    });
    expect(config.gateway).toMatchObject({
      httpPort: 9464,
      maxPayloadBytes: 65_536,
      lingerMs: 5,
      maxBatchRecords: 500,
      qos0BufferBytes: 8 * 1024 * 1024,
      maxInflightBytes: 64 * 1024 * 1024,
      connectTimeoutMs: 10_000,
      shutdownTimeoutMs: 10_000,
      maxConnections: 50_000,
      maxPacketBytes: 1024 * 1024,
      connectsPerIpPerSecond: 2000,
      connectsPerClientPerMinute: 30,
      failedLoginsPerClientPerMinute: 5,
    });
    expect(config.gateway.id).toBeUndefined();
    expect(config.hub.port).toBe(8080);
    expect(config.hub.operatorToken).toBeUndefined();
    expect(config.influx.url).toBe('http://127.0.0.1:8086/iot');
    expect(config.auth.device).toBe('registry');
    expect(config.log.level).toBe('info');
    expect(config.app.env).toBe('development');
  });

  it('applies environment overrides with strict conversion', () => {
    const config = loadConfig({
      env: {
        KAFKA_BROKERS: '10.0.0.1:9092, kafka-2.internal:19092,[::1]:9093',
        KAFKA_TOPIC_PREFIX: 'test_run-7',
        MQTT_PORT: '0',
        GATEWAY_ID: 'gw-a',
        GATEWAY_LINGER_MS: '0',
        DEVICE_AUTH: 'none',
        HUB_OPERATOR_TOKEN: 's3cret-token',
        INFLUX_URL: 'https://user:pw@influx.example:8086/metrics',
        LOG_LEVEL: 'debug',
        UNRELATED: 'ignored',
      },
    });
    expect(config.kafka.brokers).toEqual(['10.0.0.1:9092', 'kafka-2.internal:19092', '[::1]:9093']);
    expect(config.kafka.topicPrefix).toBe('test_run-7');
    expect(config.mqtt.port).toBe(0);
    expect(config.gateway.id).toBe('gw-a');
    expect(config.gateway.lingerMs).toBe(0);
    expect(config.auth.device).toBe('none');
    expect(config.hub.operatorToken).toBe('s3cret-token');
    expect(config.influx.url).toBe('https://user:pw@influx.example:8086/metrics');
    expect(config.log.level).toBe('debug');
  });

  it('reads $CONFIG_FILE when no file is given', () => {
    const file = tempFile({ mqtt: { port: 2883 } });
    expect(loadConfig({ env: { CONFIG_FILE: file } }).mqtt.port).toBe(2883);
  });

  it('layers defaults, then the file, then the environment', () => {
    const file = tempFile({
      mqtt: { port: 2883, wsPort: 2884 },
      kafka: { brokers: ['file-broker:9092'] },
      hub: { operatorToken: 'from-file' },
    });
    const config = loadConfig({ file, env: { MQTT_PORT: '3883', HUB_OPERATOR_TOKEN: 'from-env' } });
    expect(config.mqtt).toEqual({
      host: '0.0.0.0',
      port: 3883,
      wsPort: 2884,
      plainListeners: 'on',
      tlsPort: 8883,
      wssPort: 8884,
    });
    expect(config.kafka.brokers).toEqual(['file-broker:9092']);
    expect(config.hub.operatorToken).toBe('from-env');
    expect(config.hub.port).toBe(8080);
  });

  it('lets the file path option win over $CONFIG_FILE', () => {
    const chosen = tempFile({ hub: { port: 9001 } });
    const ignored = tempFile({ hub: { port: 9002 } });
    expect(loadConfig({ file: chosen, env: { CONFIG_FILE: ignored } }).hub.port).toBe(9001);
  });

  it('reports MQTT_PORT=abc as one line naming the variable, the path and the expected form', () => {
    const err = configError(() => loadConfig({ env: { MQTT_PORT: 'abc' } }));
    expect(err.message).toBe('MQTT_PORT (mqtt.port): expected an integer port 0-65535, got "abc"');
    expect(err.issues).toEqual([{ setting: 'MQTT_PORT', message: err.message }]);
  });

  it.each(['70000', '-1', '1.5', '1e3', ' 1883', '0x50', ''])('rejects MQTT_PORT=%j', (value) => {
    const err = configError(() => loadConfig({ env: { MQTT_PORT: value } }));
    expect(err.message).toBe(
      `MQTT_PORT (mqtt.port): expected an integer port 0-65535, got ${JSON.stringify(value)}`,
    );
  });

  it.each(['', ',', 'broker', 'broker:', 'broker:0', 'broker:70000', 'a:1,,b:2', 'http://b:9092'])(
    'rejects KAFKA_BROKERS=%j naming KAFKA_BROKERS',
    (value) => {
      const err = configError(() => loadConfig({ env: { KAFKA_BROKERS: value } }));
      expect(err.issues).toHaveLength(1);
      expect(err.message).toMatch(
        /^KAFKA_BROKERS \(kafka\.brokers\): expected a comma-separated list of host:port/,
      );
      expect(err.message).toContain(`got ${JSON.stringify(value)}`);
    },
  );

  it('treats an empty variable as a value, not as unset', () => {
    const err = configError(() => loadConfig({ env: { GATEWAY_ID: '', HUB_OPERATOR_TOKEN: '' } }));
    expect(err.issues.map((i) => i.setting).sort()).toEqual(['GATEWAY_ID', 'HUB_OPERATOR_TOKEN']);
  });

  it('rejects an unknown DEVICE_AUTH, listing the choices', () => {
    const err = configError(() => loadConfig({ env: { DEVICE_AUTH: 'anonymous' } }));
    expect(err.message).toBe('DEVICE_AUTH (auth.device): expected one of registry, none, got "anonymous"');
  });

  it.each([
    'not a url',
    'ftp://127.0.0.1:8086/iot',
    'http://127.0.0.1:8086',
    'http://127.0.0.1:8086/',
    'http://127.0.0.1:8086/iot/extra',
    'http://127.0.0.1:8086/iot?db=x',
  ])('rejects INFLUX_URL=%j', (value) => {
    const err = configError(() => loadConfig({ env: { INFLUX_URL: value } }));
    expect(err.message).toMatch(
      /^INFLUX_URL \(influx\.url\): expected an http\(s\) URL with a database path/,
    );
  });

  it.each([
    ['HUB_OPERATOR_TOKEN', 'hunter2 with spaces'],
    ['INFLUX_URL', 'https://admin:s3cret-pw@influx.example:8086/iot?db=x'],
    ['MQTT_TLS_KEY_FILE', ''],
  ])('names %s but never shows its secret value', (name, value) => {
    const err = configError(() => loadConfig({ env: { [name]: value } }));
    const issue = err.issues.find((i) => i.setting === name);
    expect(issue?.message).toMatch(
      new RegExp(`^${name} \\([a-zA-Z.]+\\): expected .*, got a value that is not shown \\(secret\\)$`),
    );
    if (value !== '') expect(err.message).not.toContain(value);
    expect(err.message).not.toContain('s3cret');
  });

  it('lists every problem, one line each', () => {
    const err = configError(() =>
      loadConfig({
        env: { MQTT_PORT: 'abc', LOG_LEVEL: 'loud', KAFKA_PARTITIONS: '0', GATEWAY_LINGER_MS: '5s' },
      }),
    );
    const lines = err.message.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => l.split(' ')[0]).sort()).toEqual([
      'GATEWAY_LINGER_MS',
      'KAFKA_PARTITIONS',
      'LOG_LEVEL',
      'MQTT_PORT',
    ]);
  });

  it('refuses DEVICE_AUTH=none in production', () => {
    expect(loadConfig({ env: { DEVICE_AUTH: 'none', APP_ENV: 'development' } }).auth.device).toBe('none');
    const err = configError(() => loadConfig({ env: { DEVICE_AUTH: 'none', APP_ENV: 'production' } }));
    expect(err.message).toBe('DEVICE_AUTH (auth.device): "none" is not allowed when APP_ENV=production');
  });

  it('refuses two gateway listeners on one port, but allows several on port 0', () => {
    const err = configError(() => loadConfig({ env: { GATEWAY_HTTP_PORT: '1883' } }));
    expect(err.message).toBe('GATEWAY_HTTP_PORT (gateway.httpPort): port 1883 is already used by MQTT_PORT');
    const config = loadConfig({ env: { MQTT_PORT: '0', MQTT_WS_PORT: '0', GATEWAY_HTTP_PORT: '0' } });
    expect(config.mqtt.wsPort).toBe(0);
  });
});

describe('loadConfig with a config file', () => {
  it('rejects an unknown key, naming its path', () => {
    const file = tempFile({ mqtt: { prot: 1883 } });
    const err = configError(() => loadConfig({ file, env: {} }));
    expect(err.message).toBe(`config file ${file}: unknown setting "mqtt.prot"`);
    expect(err.issues[0]?.setting).toBe('mqtt.prot');
  });

  it('rejects an unknown section', () => {
    const file = tempFile({ mqtt: {}, kafak: { brokers: ['b:1'] } });
    expect(configError(() => loadConfig({ file, env: {} })).message).toBe(
      `config file ${file}: unknown setting "kafak"`,
    );
  });

  it('checks file values strictly, without converting strings', () => {
    const file = tempFile({ mqtt: { port: '1883' }, kafka: { brokers: 'a:1' } });
    const err = configError(() => loadConfig({ file, env: {} }));
    expect(err.message.split('\n').sort()).toEqual([
      `KAFKA_BROKERS (kafka.brokers): expected a comma-separated list of host:port such as 127.0.0.1:9092, got "a:1" in config file ${file}`,
      `MQTT_PORT (mqtt.port): expected an integer port 0-65535, got "1883" in config file ${file}`,
    ]);
  });

  it('never shows a secret value from the file', () => {
    const file = tempFile({ hub: { operatorToken: 'leaked token' }, influx: { url: 'http://u:pw-123@h:1' } });
    const err = configError(() => loadConfig({ file, env: {} }));
    expect(err.message.split('\n').sort()).toEqual([
      `HUB_OPERATOR_TOKEN (hub.operatorToken): expected visible ASCII without spaces (1-4096), got a value that is not shown (secret) in config file ${file}`,
      `INFLUX_URL (influx.url): expected an http(s) URL with a database path such as http://127.0.0.1:8086/iot, got a value that is not shown (secret) in config file ${file}`,
    ]);
  });

  it('does not quote the text of a config file that is not JSON', () => {
    const file = tempFile('{"hub": {"operatorToken": my-real-token}}');
    const err = configError(() => loadConfig({ file, env: {} }));
    expect(err.message).toMatch(/^CONFIG_FILE: .* is not valid JSON: Unexpected token$/);
    expect(err.message).not.toContain('my-real-token');
  });

  it('lets a valid variable replace an invalid file value', () => {
    const file = tempFile({ mqtt: { port: 'abc' } });
    expect(loadConfig({ file, env: { MQTT_PORT: '1884' } }).mqtt.port).toBe(1884);
  });

  it('rejects a section that is not an object', () => {
    const file = tempFile({ hub: 8080 });
    expect(configError(() => loadConfig({ file, env: {} })).message).toBe(
      `config file ${file}: "hub" must be an object of settings`,
    );
  });

  it.each([
    ['missing', null, /^CONFIG_FILE: cannot read .*: ENOENT$/],
    ['not JSON', '{"mqtt": ', /^CONFIG_FILE: .* is not valid JSON: /],
    ['an array', '[]', /^CONFIG_FILE: .* must contain a JSON object/],
  ])('reports a file that is %s', (_label, contents, pattern) => {
    const file =
      contents === null ? join(tmpdir(), `config-test-missing-${process.pid}.json`) : tempFile(contents);
    const err = configError(() => loadConfig({ file, env: {} }));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]?.setting).toBe('CONFIG_FILE');
    expect(err.message).toMatch(pattern);
  });

  it('rejects CONFIG_FILE=', () => {
    expect(configError(() => loadConfig({ env: { CONFIG_FILE: '' } })).issues[0]?.setting).toBe(
      'CONFIG_FILE',
    );
  });
});
