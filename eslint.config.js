import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Features reach Kafka only through the port in common/kafka (docs/architecture.md).
const KAFKA_CLIENTS = ['kafkajs', '@platformatic/kafka'].map((name) => ({
  name,
  message: 'use the Kafka port in common/kafka',
}));

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.data/**',
      '.scratch/**',
      'hub/console/vendor/**',
      'artifacts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The hub (below) also does not depend on the simulator.
    files: ['gateway/**/*.ts', 'hub/**/*.ts', 'device-sim/**/*.ts', 'config/**/*.ts', 'contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: KAFKA_CLIENTS,
        },
      ],
    },
  },
  {
    files: ['hub/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: KAFKA_CLIENTS,
          patterns: [{ group: ['**/device-sim/**'], message: 'the hub must not depend on the simulator' }],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly' },
    },
  },
);
