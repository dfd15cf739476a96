// Non-text contrast (WCAG 1.4.11) and a visible focus (2.4.7), from the computed styles:
// the border of every visible form control against the background behind it, and the focus
// indicator (outline, or box-shadow where there is no outline) of one element of each kind
// (top bar or page, tag, type, classes) against the background it is drawn on. Returns the
// findings below `minimum`, and how many borders and focus indicators it measured. The focus
// is given back to the element that had it.
({ minimum }) => {
  const canvas = document.createElement("canvas").getContext("2d", { willReadFrequently: true });
  // Any CSS colour as [r, g, b, a] with r, g, b in 0..255 and a in 0..1.
  const parse = (color) => {
    const match = color.match(/^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/);
    if (match) return [+match[1], +match[2], +match[3], match[4] === undefined ? 1 : +match[4]];
    canvas.clearRect(0, 0, 1, 1);
    canvas.fillStyle = color;
    canvas.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = canvas.getImageData(0, 0, 1, 1).data;
    return [r, g, b, a / 255];
  };
  const over = ([r, g, b, a], [r0, g0, b0]) => [
    r * a + r0 * (1 - a),
    g * a + g0 * (1 - a),
    b * a + b0 * (1 - a),
    1,
  ];
  // WCAG 2.1 relative luminance and contrast ratio.
  const luminance = ([r, g, b]) => {
    const linear = (c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  };
  const contrast = (one, two) => {
    const [light, dark] = [luminance(one), luminance(two)].sort((x, y) => y - x);
    return (light + 0.05) / (dark + 0.05);
  };
  const hex = ([r, g, b]) =>
    "#" + [r, g, b].map((c) => Math.round(c).toString(16).padStart(2, "0")).join("");

  // Box shadows as [{color, inset, spread}], split at the commas between shadows.
  const shadows = (value) => {
    if (value === "none") return [];
    return value.split(/,(?![^(]*\))/).map((shadow) => {
      const color = shadow.match(/rgba?\([^)]*\)|#[0-9a-f]+|[a-z]+\([^)]*\)/i);
      const lengths = shadow.replace(/rgba?\([^)]*\)|[a-z]+\([^)]*\)/gi, "").match(/-?[\d.]+px/g) || [];
      return {
        color: parse(color ? color[0] : "black"),
        inset: /\binset\b/.test(shadow),
        spread: lengths.length > 3 ? parseFloat(lengths[3]) : 0,
      };
    });
  };
  // The colour an element's box shows: its background colour under the inset box-shadow
  // that Bootstrap's tables (stripes, hover) paint over a whole cell.
  const layers = (el) => {
    const style = getComputedStyle(el);
    const fills = shadows(style.boxShadow).filter((s) => s.inset && s.spread >= 1000);
    return [...fills.map((s) => s.color).reverse(), parse(style.backgroundColor)];
  };
  // The background behind `el`'s box: its own and its ancestors' layers, composed over white.
  const background = (el) => {
    const stack = [];
    for (let node = el; node; node = node.parentElement) {
      for (const layer of layers(node)) {
        if (layer[3] === 0) continue;
        stack.push(layer);
        if (layer[3] === 1) break;
      }
      if (stack.length && stack[stack.length - 1][3] === 1) break;
    }
    return stack.reverse().reduce((below, layer) => over(layer, below), [255, 255, 255, 1]);
  };
  const visible = (el) => {
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false;
    const box = el.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) return false;
    // Clipped away (Bootstrap's .visually-hidden, .btn-check) by itself or an ancestor.
    for (let node = el; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.clip === "rect(0px, 0px, 0px, 0px)" || style.clipPath === "inset(50%)") return false;
      const nodeBox = node.getBoundingClientRect();
      if (style.overflow === "hidden" && (nodeBox.width < 2 || nodeBox.height < 2)) return false;
    }
    return true;
  };
  const describe = (el) => {
    const id = el.id ? `#${el.id}` : "";
    const classes = [...el.classList].map((name) => `.${name}`).join("");
    const type = el.type && el.tagName === "INPUT" ? `[type=${el.type}]` : "";
    const text = (el.innerText || el.getAttribute("aria-label") || el.name || "")
      .trim()
      .replace(/\s+/g, " ")
      .slice(0, 40);
    return `<${el.tagName.toLowerCase()}${id}${classes}${type}> "${text}"`;
  };
  const region = (el) =>
    el.closest("body > header, .navbar") ? "top bar" : el.closest("footer") ? "footer" : "page";

  const findings = [];
  let borders = 0;

  // Control borders: the border is drawn at the edge of the box, against the parent's background.
  const notControls = "[type=hidden], [type=submit], [type=button], [type=reset], [type=image], [type=range], [type=color]";
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.matches(notControls) || !visible(el)) continue;
    const style = getComputedStyle(el);
    const behind = background(el.parentElement);
    let worst = null;
    for (const side of ["Top", "Right", "Bottom", "Left"]) {
      const width = parseFloat(style[`border${side}Width`]);
      const color = parse(style[`border${side}Color`]);
      if (!width || ["none", "hidden"].includes(style[`border${side}Style`]) || color[3] === 0) continue;
      const shown = over(color, behind);
      const ratio = contrast(shown, behind);
      if (!worst || ratio < worst.ratio) worst = { ratio, side, shown };
    }
    if (!worst) continue;
    borders += 1;
    if (worst.ratio < minimum) {
      findings.push(
        `border of ${describe(el)} (${worst.side.toLowerCase()}): ${hex(worst.shown)} on ` +
          `${hex(behind)} is ${worst.ratio.toFixed(2)}:1`,
      );
    }
  }

  // Focus indicators: one element of each kind, focused as the keyboard would (focus-visible).
  const focusable =
    "a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1'])";
  const kinds = new Map();
  for (const el of document.querySelectorAll(focusable)) {
    if (el.matches("[type=hidden], :disabled") || !visible(el)) continue;
    const kind = [region(el), el.tagName, el.type || "", el.className].join("|");
    if (!kinds.has(kind)) kinds.set(kind, el);
  }
  const before = document.activeElement;
  const beforeVisible = before ? before.matches(":focus-visible") : false;
  let indicators = 0;
  for (const el of kinds.values()) {
    el.focus({ preventScroll: true, focusVisible: true });
    if (document.activeElement !== el) continue;
    // Bootstrap eases the focus ring in: measure where the transition ends.
    for (const animation of el.getAnimations()) animation.finish();
    const style = getComputedStyle(el);
    let measured = null;
    if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) {
      // An outline drawn outside the box lies on the parent's background; one drawn inside
      // (negative offset) on the element's own.
      const behind = background(parseFloat(style.outlineOffset) < 0 ? el : el.parentElement);
      const shown = over(parse(style.outlineColor), behind);
      measured = { what: "outline", ratio: contrast(shown, behind), shown, behind };
    } else {
      const behind = background(el.parentElement);
      for (const shadow of shadows(style.boxShadow).filter((s) => !s.inset)) {
        const shown = over(shadow.color, behind);
        const ratio = contrast(shown, behind);
        if (!measured || ratio > measured.ratio) measured = { what: "box-shadow", ratio, shown, behind };
      }
    }
    indicators += 1;
    if (!measured) {
      findings.push(`focus on ${describe(el)} in the ${region(el)}: no outline and no box-shadow`);
    } else if (measured.ratio < minimum) {
      findings.push(
        `focus ${measured.what} of ${describe(el)} in the ${region(el)}: ${hex(measured.shown)} on ` +
          `${hex(measured.behind)} is ${measured.ratio.toFixed(2)}:1`,
      );
    }
  }
  if (before && before !== document.body) {
    before.focus({ preventScroll: true, focusVisible: beforeVisible });
  } else if (document.activeElement) {
    document.activeElement.blur();
  }
  return { findings, borders, indicators };
}
