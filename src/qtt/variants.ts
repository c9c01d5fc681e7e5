import type { JsonObject } from './jsonc.js'
import type { CaseNode, TestVariant } from './types.js'

/** What ksqlDB puts in place of `{FORMAT}` when the case has no `format` list (so the statement fails). */
export const FORMAT_NOT_SET = "To use {FORMAT} in your statements please set the 'format' test case element"

const CONFIG_PLACEHOLDER = '{CONFIG}'

/**
 * Expands a case into its variants, as ksqlDB does: once per element of `format` (or once) × once per
 * element of `config` (or once). A format variant replaces every `{FORMAT}` in the statements (only
 * there); a config variant gives the property whose value is `"{CONFIG}"` that element. Name:
 * `<file stem> - <case name>[ - <FORMAT>][ - <prop>=<value>]`.
 */
export function expandVariants(file: string, stem: string, node: CaseNode): TestVariant[] {
  const formats: (string | undefined)[] = node.formats.length > 0 ? [...node.formats] : [undefined]
  const configs: (string | undefined)[] =
    node.kind === 'qtt' && node.configs.length > 0 ? [...node.configs] : [undefined]
  const configProperty = Object.keys(node.properties).find((k) => node.properties[k] === CONFIG_PLACEHOLDER)
  const expected = node.kind === 'qtt' ? node.expectedException : node.expectedError
  const variants: TestVariant[] = []
  for (const format of formats) {
    for (const configValue of configs) {
      let name = `${stem} - ${node.name}`
      if (format !== undefined) name += ` - ${format}`
      let properties: JsonObject = node.properties
      let config: TestVariant['config']
      if (configValue !== undefined && configProperty !== undefined) {
        name += ` - ${configProperty}=${configValue}`
        properties = { ...node.properties, [configProperty]: configValue }
        config = { property: configProperty, value: configValue }
      }
      const replacement = format ?? FORMAT_NOT_SET
      variants.push({
        file,
        name,
        case: node,
        ...(format === undefined ? {} : { format }),
        ...(config === undefined ? {} : { config }),
        statements: node.statements.map((s) => s.replaceAll('{FORMAT}', () => replacement)),
        properties,
        ...(expected === undefined ? {} : { expected }),
        enabled: node.enabled,
      })
    }
  }
  return variants
}
