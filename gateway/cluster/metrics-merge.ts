interface Family {
  help?: string;
  type?: string;
  samples: string[];
}

const COMMENT = /^# (HELP|TYPE) (\S+)/;

function sampleName(line: string): string {
  return /^[^\s{]+/.exec(line)?.[0] ?? line;
}

/**
 * Several Prometheus text expositions as one: each metric family's HELP and TYPE once, followed by
 * the samples of every input. Series must already differ by a label (every process has its own
 * `gateway` label), so nothing is summed.
 */
export function mergeExpositions(texts: readonly string[]): string {
  const families = new Map<string, Family>();
  const familyOf = (name: string): Family => {
    let family = families.get(name);
    if (family === undefined) families.set(name, (family = { samples: [] }));
    return family;
  };
  for (const text of texts) {
    let current: Family | undefined;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const comment = COMMENT.exec(line);
      if (comment) {
        const [, kind, name = ''] = comment;
        current = familyOf(name);
        if (kind === 'HELP') current.help ??= line;
        else current.type ??= line;
        continue;
      }
      if (line.startsWith('#')) continue;
      (current ?? familyOf(sampleName(line))).samples.push(line);
    }
  }
  const blocks = [...families.values()].map((f) =>
    [f.help, f.type, ...f.samples].filter((l) => l !== undefined).join('\n'),
  );
  return blocks.length === 0 ? '' : `${blocks.join('\n\n')}\n`;
}
