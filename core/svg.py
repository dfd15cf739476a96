"""Writing an SVG element tree back to markup, for charts inlined in pages and PDFs."""

import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"


def serialise(root: ET.Element) -> str:
    """Plain ``<svg xmlns=…>`` markup, whatever other code did to ElementTree's prefix registry.

    (WeasyPrint registers the prefix "" for no namespace, which would make
    ElementTree write ``ns0:svg``; ``ET.register_namespace`` at import time is
    therefore not enough.)
    """
    for element in root.iter():
        element.tag = element.tag.removeprefix(f"{{{SVG_NS}}}")
        for name in [n for n in element.attrib if n.startswith(f"{{{XLINK_NS}}}")]:
            element.set("xlink:" + name.removeprefix(f"{{{XLINK_NS}}}"), element.attrib.pop(name))
    root.set("xmlns", SVG_NS)
    root.set("xmlns:xlink", XLINK_NS)
    return ET.tostring(root, encoding="unicode")
