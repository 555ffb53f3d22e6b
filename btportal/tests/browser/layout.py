"""What a person holding a phone would notice, measured in the browser: the page scrolling sideways,
two visible controls on top of each other, tap targets too small to hit (WCAG 2.2, 2.5.8: 24 × 24 px,
with its spacing and inline exceptions), and choice lists whose labels do not tick their own box."""

import pytest

MIN_TARGET = 24  # WCAG 2.5.8 (AA): target size (minimum)
COMFORT_TARGET = 44  # WCAG 2.5.5 (AAA), what we give every choice of a multiple-choice list

# The checks run in the page. Interactive = what a finger can hit: links, buttons, form controls and
# labels (a label is a target: tapping it operates its control).
_LAYOUT_JS = r"""
([minTarget]) => {
  const vw = document.documentElement.clientWidth;
  const describe = (e) => {
    let s = e.tagName.toLowerCase();
    if (e.id) s += '#' + e.id;
    else if (e.classList.length) s += '.' + [...e.classList].slice(0, 3).join('.');
    const text = (e.innerText || e.value || e.getAttribute('aria-label') || e.name || '').trim().replace(/\s+/g, ' ');
    return text ? `${s} "${text.slice(0, 40)}"` : s;
  };
  const shown = (e) => {
    const r = e.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) return false;   // .visually-hidden and friends
    const cs = getComputedStyle(e);
    if (cs.visibility !== 'visible' || cs.pointerEvents === 'none') return false;  // .btn-check: its label is the target
    if (e.closest('[inert]')) return false;
    // inside a closed <details> (other than its summary), or otherwise not rendered
    if (e.checkVisibility && !e.checkVisibility({opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true})) return false;
    for (let p = e; p && p !== document.body; p = p.parentElement) {
      const ps = getComputedStyle(p);
      if (ps.display === 'none' || parseFloat(ps.opacity) === 0) return false;
      if (ps.clip === 'rect(0px, 0px, 0px, 0px)' || ps.clipPath === 'inset(50%)') return false;
    }
    return true;
  };
  // Horizontal overflow of the page, and the elements that cause it (outside any scroll box).
  const overflow = [];
  if (document.documentElement.scrollWidth > vw + 1) {
    const inScrollBox = (e) => {
      for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
        const ox = getComputedStyle(p).overflowX;
        if (ox === 'auto' || ox === 'scroll' || ox === 'hidden' || ox === 'clip') return true;
      }
      return false;
    };
    const wide = [...document.body.querySelectorAll('*')].filter(
      (e) => e.getBoundingClientRect().right > vw + 1 && !inScrollBox(e));
    // the innermost offenders say most
    const leaves = wide.filter((e) => !wide.some((o) => o !== e && e.contains(o)));
    overflow.push(`scrollWidth ${document.documentElement.scrollWidth} > ${vw}: ` + leaves.slice(0, 5).map(describe).join(', '));
  }
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, label, summary, [role=button], [role=link]';
  const targets = [...document.querySelectorAll(selector)].filter(shown).filter((e) => e.tagName !== 'MAIN');
  const rects = targets.map((e) => e.getBoundingClientRect());
  // an inline link that wraps is two boxes, not the rectangle around both
  const boxes = targets.map((e) => [...e.getClientRects()].filter((r) => r.width > 1 && r.height > 1));
  const related = (a, b) => a.contains(b) || b.contains(a) ||
    (a.tagName === 'LABEL' && a.control === b) || (b.tagName === 'LABEL' && b.control === a) ||
    (a.closest('label') && a.closest('label') === b.closest('label'));
  // Two visible targets on top of each other (more than the 1-2 px borders that button groups share).
  const overlaps = [];
  for (let i = 0; i < targets.length; i++) {
    for (let j = i + 1; j < targets.length; j++) {
      if (related(targets[i], targets[j])) continue;
      let hit = null;
      for (const a of boxes[i]) for (const b of boxes[j]) {
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 2 && h > 2) hit = [w, h];
      }
      if (hit) overlaps.push(`${describe(targets[i])} overlaps ${describe(targets[j])} (${Math.round(hit[0])}×${Math.round(hit[1])} px)`);
    }
  }
  // Tap targets under 24 × 24 px. Exceptions of WCAG 2.5.8: a link inside a sentence (inline, with text
  // around it), a control whose label is the bigger target, and spacing (a 24 px circle on the small
  // target's centre touches no other target, nor another small target's circle).
  const small = [];
  const isSmall = (r) => r.width < minTarget - 0.5 || r.height < minTarget - 0.5;
  const centre = (r) => [r.left + r.width / 2, r.top + r.height / 2];
  const distToRect = ([x, y], r) => Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
  targets.forEach((e, i) => {
    const r = rects[i];
    if (!isSmall(r) || e.tagName === 'LABEL') return;
    if (e.tagName === 'A' && getComputedStyle(e).display === 'inline') {
      const block = e.parentElement.closest('p, li, td, th, dd, dt, div, span, small, figcaption, caption, legend') || e.parentElement;
      const around = (block.innerText || '').replace(e.innerText || '', '').replace(/[\s·,.;:()|–-]/g, '');
      if (around.length > 0) return;
    }
    if (e.labels && [...e.labels].some((l) => shown(l) && !isSmall(l.getBoundingClientRect()))) return;
    const c = centre(r);
    const crowded = targets.some((o, k) => {
      if (k === i || related(e, o)) return false;
      if (distToRect(c, rects[k]) < minTarget / 2) return true;
      if (isSmall(rects[k])) { const d = centre(rects[k]); return Math.hypot(c[0] - d[0], c[1] - d[1]) < minTarget; }
      return false;
    });
    if (crowded) small.push(`${describe(e)} is ${Math.round(r.width)}×${Math.round(r.height)} px`);
  });
  return {overflow, overlaps, small};
}
"""


def layout_problems(page, min_target=MIN_TARGET) -> list[str]:
    """The problems a person would see on the page as it is now (its current viewport)."""
    found = page.evaluate(_LAYOUT_JS, [min_target])
    problems = [f"horizontal overflow: {o}" for o in found["overflow"]]
    problems += [f"overlap: {o}" for o in found["overlaps"][:10]]
    problems += [f"tap target under {min_target}×{min_target} px: {s}" for s in found["small"][:10]]
    return problems


def assert_layout(page, context=""):
    problems = layout_problems(page)
    if problems:
        width = page.viewport_size["width"]
        pytest.fail(f"{page.url} at {width} px {context}:\n- " + "\n- ".join(problems), pytrace=False)


def assert_choices_tappable(page, selector=".choice-list"):
    """Every choice of the page's choice lists is a label of at least 44 × 44 px, and tapping a label's
    middle ticks its own box (and only that one); tapping it again unticks it. Returns how many."""
    labels = page.locator(f"{selector} label")
    count = labels.count()
    assert count, f"{page.url}: no choices in {selector}"
    for i in range(count):
        label = labels.nth(i)
        label.scroll_into_view_if_needed()
        box = label.bounding_box()
        assert box["width"] >= COMFORT_TARGET and box["height"] >= COMFORT_TARGET, (
            f"{page.url}: choice {label.inner_text()!r} is {box['width']:.0f}×{box['height']:.0f} px"
        )
        own = label.locator("input")
        others_before = page.evaluate(
            "([sel, i]) => [...document.querySelectorAll(sel + ' input')].filter((x, k) => k !== i).map((x) => x.checked)",
            [selector, i],
        )
        was = own.is_checked()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        assert own.is_checked() != was, f"{page.url}: tapping {label.inner_text()!r} did not toggle its own box"
        if own.get_attribute("type") == "checkbox":
            others_after = page.evaluate(
                "([sel, i]) => [...document.querySelectorAll(sel + ' input')].filter((x, k) => k !== i).map((x) => x.checked)",
                [selector, i],
            )
            assert others_after == others_before, f"{page.url}: tapping {label.inner_text()!r} changed another box"
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            assert own.is_checked() == was
    return count
