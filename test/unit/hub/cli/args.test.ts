import { describe, expect, it } from 'vitest';
import { parseDevicesArgs } from '../../../../hub/cli/args.js';

describe('parseDevicesArgs', () => {
  it('reads each command with its options', () => {
    expect(parseDevicesArgs(['add', 'pump-1', '--attr', 'site=north', '--attr', 'note=a=b'])).toEqual({
      command: { kind: 'add', id: 'pump-1', attributes: { site: 'north', note: 'a=b' } },
    });
    expect(parseDevicesArgs(['list', '--url', 'http://h:1', '--token', 't'])).toEqual({
      command: { kind: 'list' },
      url: 'http://h:1',
      token: 't',
    });
    expect(parseDevicesArgs(['remove', 'x'])).toEqual({ command: { kind: 'remove', id: 'x' } });
    expect(parseDevicesArgs(['rotate', 'x'])).toEqual({ command: { kind: 'rotate', id: 'x' } });
    expect(parseDevicesArgs(['-h'])).toEqual({ command: { kind: 'help' } });
  });

  it('keeps attribute names that look like object internals as plain keys', () => {
    const parsed = parseDevicesArgs(['add', 'x', '--attr', '__proto__=1']);
    expect(
      'command' in parsed && parsed.command.kind === 'add' && Object.keys(parsed.command.attributes),
    ).toEqual(['__proto__']);
  });

  it('explains what is wrong with a command line', () => {
    const cases: [string[], RegExp][] = [
      [[], /missing command/],
      [['frobnicate'], /unknown command "frobnicate"/],
      [['add'], /add expects a device id/],
      [['add', 'a', 'b'], /add expects a device id/],
      [['list', 'x'], /list expects no arguments/],
      [['add', 'a', '--attr', 'novalue'], /--attr expects key=value/],
      [['add', 'a', '--attr', '=v'], /--attr expects key=value/],
      [['add', 'a', '--attr', 'k=1', '--attr', 'k=2'], /--attr k is given more than once/],
      [['remove', 'a', '--attr', 'k=1'], /--attr only applies to add/],
      [['list', '--colour'], /Unknown option '--colour'/],
    ];
    for (const [argv, message] of cases) {
      const parsed = parseDevicesArgs(argv);
      expect('error' in parsed ? parsed.error : parsed, argv.join(' ')).toMatch(message);
    }
  });
});
