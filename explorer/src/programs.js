// Edge programs for sigma: arrows for directed relations, plain lines for symmetric ones, and
// dashed variants of both for ALLEGED and DISPUTED relations (claims are not facts).
// The dashed programs are sigma's own, with two lines of GLSL added: the vertex shader passes
// the distance along the edge in screen units, the fragment shader leaves gaps.

import {
  EdgeRectangleProgram,
  createEdgeArrowHeadProgram,
  createEdgeClampedProgram,
  createEdgeCompoundProgram,
} from 'sigma/rendering';
import { EdgeArrowProgram } from 'sigma/rendering';

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

export const edgeProgramClasses = {
  arrow: EdgeArrowProgram,
  line: EdgeRectangleProgram,
  dashedArrow: createEdgeCompoundProgram([dashed(createEdgeClampedProgram()), createEdgeArrowHeadProgram()]),
  dashedLine: dashed(EdgeRectangleProgram),
};
