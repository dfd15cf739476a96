// Reflow (WCAG 1.4.10): at the current width, what sticks out of the viewport and makes the
// page scroll sideways. Returns the page's scroll width and the elements (and runs of text)
// whose right edge is past the viewport and that no scrolling or clipping ancestor holds in,
// widest first.
() => {
  const viewport = document.documentElement.clientWidth;
  const style = (el) => getComputedStyle(el);

  // The ancestor whose box an element is laid out in: the nearest positioned one for an
  // absolutely positioned element (a .visually-hidden span escapes an unpositioned
  // .table-responsive this way), else the parent.
  const container = (el) => {
    const position = style(el).position;
    if (position === "fixed") return null;
    let parent = el.parentElement;
    if (position === "absolute") {
      while (parent && parent !== document.body && style(parent).position === "static") {
        parent = parent.parentElement;
      }
    }
    return parent;
  };
  const heldIn = (el) => {
    if (style(el).position === "fixed") return true;
    for (let box = container(el); box && box !== document.body; box = container(box)) {
      if (style(box).overflowX !== "visible") return true;
      if (style(box).position === "fixed") return true;
    }
    return false;
  };
  const describe = (el) => {
    const id = el.id ? `#${el.id}` : "";
    const classes = [...el.classList].map((name) => `.${name}`).join("");
    const text = (el.innerText || el.value || "").trim().replace(/\s+/g, " ").slice(0, 60);
    return `<${el.tagName.toLowerCase()}${id}${classes}> "${text}"`;
  };

  const offenders = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= viewport + 0.5 || heldIn(el)) continue;
    offenders.push({ element: describe(el), right: Math.round(box.right), width: Math.round(box.width) });
  }
  // Text that runs out of its box (a long word in a narrow card) makes no element wider.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.data.trim()) continue;
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    const parent = node.parentElement;
    if (box.width === 0 || box.right <= viewport + 0.5) continue;
    if (style(parent).overflowX !== "visible" || heldIn(parent)) continue;
    offenders.push({
      element: `text "${node.data.trim().slice(0, 60)}" in ${describe(parent)}`,
      right: Math.round(box.right),
      width: Math.round(box.width),
    });
  }
  // Widest first; of equally wide ones the outermost, which comes first in document order.
  offenders.sort((a, b) => b.right - a.right);
  return {
    viewport,
    scrollWidth: document.documentElement.scrollWidth,
    offenders: offenders.slice(0, 5),
  };
}
