// Edge programs for sigma: arrows for directed relations, plain lines for symmetric ones, and
// dashed variants of both for ALLEGED and DISPUTED relations (claims are not facts).
// The dashed programs are sigma's own, with two lines of GLSL added: the vertex shader passes
// the distance along the edge in screen units, the fragment shader leaves gaps. A node program
// draws brokers with a ring.

import {
  EdgeRectangleProgram,
  createEdgeArrowHeadProgram,
  createEdgeClampedProgram,
  createEdgeCompoundProgram,
} from 'sigma/rendering';
import { EdgeArrowProgram, NodeCircleProgram } from 'sigma/rendering';

const DASHES = 90.0; // dashes across the width of the view

function dashed(Base) {
  return class extends Base {
    getDefinition() {
      const def = super.getDefinition();
      const vertex = def.VERTEX_SHADER_SOURCE.replace(
        'varying vec4 v_color;',
        'varying vec4 v_color;\nvarying float v_along;',
      ).replace(
        'void main() {',
        `void main() {
  vec2 dashStart = (u_matrix * vec3(a_positionStart, 1)).xy;
  vec2 dashEnd = (u_matrix * vec3(a_positionEnd, 1)).xy;
  v_along = a_positionCoef * length(dashEnd - dashStart) * ${DASHES.toFixed(1)};`,
      );
      const fragment = def.FRAGMENT_SHADER_SOURCE.replace(
        'varying vec4 v_color;',
        'varying vec4 v_color;\nvarying float v_along;',
      ).replace(
        'void main(void) {',
        `void main(void) {
  #ifndef PICKING_MODE
  if (mod(v_along, 1.0) > 0.55) discard;
  #endif`,
      );
      if (vertex === def.VERTEX_SHADER_SOURCE || fragment === def.FRAGMENT_SHADER_SOURCE) {
        throw new Error('sigma changed its edge shaders: the dashed edge program needs updating');
      }
      return { ...def, VERTEX_SHADER_SOURCE: vertex, FRAGMENT_SHADER_SOURCE: fragment };
    }
  };
}

/** The ring of a broker (an articulation point of the drawing), as in explore.css's --structure. */
export const STRUCTURE_COLOUR = '#6d3fd9';
const RING = [0x6d, 0x3f, 0xd9].map((c) => (c / 255).toFixed(4)).join(', ');

/**
 * Sigma's disc with a ring: its outer 3 pixels in the structure colour, then a 1.5-pixel white
 * gap, then the node's own colour. Picking (what the mouse is over) is the plain disc's.
 */
class NodeRingProgram extends NodeCircleProgram {
  getDefinition() {
    const def = super.getDefinition();
    const fragment = def.FRAGMENT_SHADER_SOURCE.replace(
      'gl_FragColor = mix(v_color, transparent, t);',
      `float inside = v_radius - length(v_diffVector);
  vec4 fill = v_color;
  if (inside < u_correctionRatio * 3.0) fill = vec4(${RING}, 1.0);
  else if (inside < u_correctionRatio * 4.5) fill = vec4(1.0, 1.0, 1.0, 1.0);
  gl_FragColor = mix(fill, transparent, t);`,
    );
    if (fragment === def.FRAGMENT_SHADER_SOURCE) {
      throw new Error('sigma changed its node shader: the ring node program needs updating');
    }
    return { ...def, FRAGMENT_SHADER_SOURCE: fragment };
  }
}

export const nodeProgramClasses = { circle: NodeCircleProgram, ring: NodeRingProgram };

export const edgeProgramClasses = {
  arrow: EdgeArrowProgram,
  line: EdgeRectangleProgram,
  dashedArrow: createEdgeCompoundProgram([dashed(createEdgeClampedProgram()), createEdgeArrowHeadProgram()]),
  dashedLine: dashed(EdgeRectangleProgram),
};
