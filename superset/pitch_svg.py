"""The football pitch the shot map and the heat maps are drawn on: inline SVG in the Handlebars
template of a Superset `handlebars` chart, in metres on a 105 x 68 m pitch, left to right.

Every number a template places (a shot's centre, a zone's corner, a shade) is computed by the
chart's SQL metrics, so the templates only repeat one element per row and need no helper.
superset_config.py lets the sanitizer keep exactly the elements and attributes written here.
"""

from __future__ import annotations

LENGTH, WIDTH = 105.0, 68.0
GRASS = "#3F8F4A"
LINE = "#FFFFFF"
INK = "#333333"
# Under the pitch: the caption of what is drawn, in the pitch's own units (metres).
CAPTION_Y = WIDTH + 5.5
VIEW_BOX = f"-3 -3 {LENGTH + 6:g} {WIDTH + 11:g}"
# Half the depth and width of a penalty area, goal area and goal (Laws of the Game, in metres).
PENALTY_AREA = (16.5, 40.32)
GOAL_AREA = (5.5, 18.32)
GOAL = (2.0, 7.32)
CIRCLE_RADIUS = 9.15
PENALTY_SPOT = 11.0


def _box(depth: float, width: float, at_right: bool, behind_line: bool = False) -> str:
    """A rectangle against a goal line, centred on the pitch's width: an area, or (behind_line) the goal."""
    x = (LENGTH - depth if at_right else 0.0) if not behind_line else (LENGTH if at_right else -depth)
    return f'<rect x="{x:g}" y="{(WIDTH - width) / 2:g}" width="{depth:g}" height="{width:g}"/>'


def _penalty_arc(at_right: bool) -> str:
    """The part of the circle around the penalty spot outside the penalty area."""
    depth = PENALTY_AREA[0]
    half_chord = (CIRCLE_RADIUS ** 2 - (depth - PENALTY_SPOT) ** 2) ** 0.5
    x = LENGTH - depth if at_right else depth
    sweep = 0 if at_right else 1  # the arc bulges towards the halfway line
    return (f'<path d="M{x:g} {WIDTH / 2 - half_chord:.2f} A{CIRCLE_RADIUS:g} {CIRCLE_RADIUS:g} 0 0 {sweep} '
            f'{x:g} {WIDTH / 2 + half_chord:.2f}"/>')


def pitch_lines() -> str:
    """Outline, halfway line, centre circle and spot, and at each end the penalty area, its arc and
    spot, the goal area and the goal: white lines to draw over the grass and whatever is on it."""
    ends = "".join(
        _box(*PENALTY_AREA, at_right) + _box(*GOAL_AREA, at_right) + _box(*GOAL, at_right, behind_line=True) + _penalty_arc(at_right)
        + f'<circle cx="{LENGTH - PENALTY_SPOT if at_right else PENALTY_SPOT:g}" cy="{WIDTH / 2:g}" r="0.35" fill="{LINE}"/>'
        for at_right in (False, True))
    return (f'<g fill="none" stroke="{LINE}" stroke-width="0.35" stroke-opacity="0.9">'
            f'<rect x="0" y="0" width="{LENGTH:g}" height="{WIDTH:g}"/>'
            f'<line x1="{LENGTH / 2:g}" y1="0" x2="{LENGTH / 2:g}" y2="{WIDTH:g}"/>'
            f'<circle cx="{LENGTH / 2:g}" cy="{WIDTH / 2:g}" r="{CIRCLE_RADIUS:g}"/>'
            f'<circle cx="{LENGTH / 2:g}" cy="{WIDTH / 2:g}" r="0.35" fill="{LINE}"/>'
            f'{ends}</g>')


def pitch(label: str, marks: str, caption: str) -> str:
    """The whole SVG: grass, `marks` (Handlebars repeating one element per row), the lines over
    them, and `caption` under the pitch. Class `pitch` is what the browser test looks for.
    One line, no blank line: the chart renders its template as Markdown, where a blank line
    would end the HTML block."""
    return (f'<svg class="pitch" role="img" aria-label="{label}" viewBox="{VIEW_BOX}" width="100%">'
            f'<rect x="-3" y="-3" width="{LENGTH + 6:g}" height="{WIDTH + 6:g}" fill="{GRASS}"/>'
            f'{marks}{pitch_lines()}'
            f'<g fill="{INK}" font-size="2.6">{caption}</g></svg>')


def shot_map(home_colour: str, away_colour: str) -> str:
    """One circle per shot at (x, y) of radius r, the team's colour, filled for a goal and faint
    otherwise (the metrics x, y, r, colour, fill and tip); the caption names the teams
    (home_team, away_team: the same on every row) and says what size and fill mean."""
    marks = ('{{#each data}}<circle cx="{{x}}" cy="{{y}}" r="{{r}}" fill="{{colour}}" fill-opacity="{{fill}}" '
             'stroke="{{colour}}" stroke-width="0.4"><title>{{tip}}</title></circle>{{/each}}')
    y = CAPTION_Y
    caption = (
        f'<circle cx="1" cy="{y - 0.9:g}" r="1.3" fill="{home_colour}"/>'
        f'<text x="3.2" y="{y:g}">{{{{data.[0].home_team}}}} attacking →</text>'
        f'<circle cx="36" cy="{y - 0.9:g}" r="1.3" fill="{away_colour}"/>'
        f'<text x="38.2" y="{y:g}">← {{{{data.[0].away_team}}}} attacking</text>'
        f'<text x="{LENGTH:g}" y="{y:g}" text-anchor="end">filled: goal · size: xG</text>')
    return pitch("Shot map", marks, caption)


def heat_map(colour: str) -> str:
    """One zone per row, a rectangle at (x, y) of the zone's size, shaded by its share of the
    touches (the metrics x, y, shade and tip); the caption names whose touches (who)."""
    zone_length, zone_width = LENGTH / 10, WIDTH / 8
    marks = (f'{{{{#each data}}}}<rect x="{{{{x}}}}" y="{{{{y}}}}" width="{zone_length:g}" height="{zone_width:g}" '
             f'fill="{colour}" fill-opacity="{{{{shade}}}}"><title>{{{{tip}}}}</title></rect>{{{{/each}}}}')
    caption = (f'<text x="0" y="{CAPTION_Y:g}">{{{{data.[0].who}}}} attacking →</text>'
               f'<text x="{LENGTH:g}" y="{CAPTION_Y:g}" text-anchor="end">darker: more of the touches</text>')
    return pitch("Heat map", marks, caption)
