import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { XmlNode } from './xml-tree';

export * from './xml-tree';

/** The XML parser for NETCONF replies, read the same way whatever the device's namespace prefixes. */

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

export class XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlError';
  }
}

/** Parses a whole document; its root element is `root` of the result (an array of one). */
export function parseXml(text: string): Record<string, XmlNode[]> {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new XmlError(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  }
  return parser.parse(text) as Record<string, XmlNode[]>;
}
