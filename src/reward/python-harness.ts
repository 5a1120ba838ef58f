/**
 * The Python side of the batched reward runner, as source text run once per Pyodide instance.
 * `_raceline_compile` compiles user code as `reward_function.py` (so tracebacks name its lines);
 * `_raceline_batch` builds one fresh `params` dict per car from a packed float64 row and calls the
 * user's function for every car in one call from JavaScript. See python-reward.ts for the layout.
 */
export const PYTHON_HARNESS = String.raw`
import difflib as _difflib
import random as _random
import traceback as _traceback

_RACELINE_FNS = {}
_RACELINE_WAYPOINTS = []
_RACELINE_KEYS = ['all_wheels_on_track', 'x', 'y', 'heading', 'steering_angle', 'speed', 'progress', 'steps',
    'distance_from_center', 'is_left_of_center', 'track_width', 'track_length', 'waypoints', 'closest_waypoints',
    'is_reversed', 'is_offtrack', 'is_crashed', 'closest_objects', 'objects_location', 'objects_distance',
    'objects_heading', 'objects_left_of_center', 'objects_speed', 'projection_distance',
    'objects_distance_from_center', 'object_in_camera', 'sim_time']
_RACELINE_HINTS = {
    'numpy': "numpy is not available here (Raceline runs Python's standard library in the browser): use the math module (math.atan2, math.hypot, math.degrees, math.sqrt) and plain lists instead",
    'scipy': "scipy is not available here (Raceline runs Python's standard library in the browser): use math and statistics (statistics.mean, statistics.median) instead",
    'shapely': "shapely is not available here (Raceline runs Python's standard library in the browser): use params['distance_from_center'], params['closest_waypoints'], params['waypoints'] and math.hypot instead",
}

def _raceline_line(exc):
    if isinstance(exc, SyntaxError) and exc.filename == 'reward_function.py':
        return exc.lineno
    for frame in reversed(_traceback.extract_tb(exc.__traceback__)):
        if frame.filename == 'reward_function.py':
            return frame.lineno
    return None

def _raceline_describe(exc):
    name = type(exc).__name__
    if isinstance(exc, ImportError) and (exc.name or '').split('.')[0] in _RACELINE_HINTS:
        return [name + ': ' + _RACELINE_HINTS[exc.name.split('.')[0]], _raceline_line(exc)]
    text = name + ': ' + str(exc) if str(exc) else name
    if isinstance(exc, KeyError) and exc.args and isinstance(exc.args[0], str):
        close = _difflib.get_close_matches(exc.args[0], _RACELINE_KEYS, n=1)
        if close:
            text += " ('%s' is not a key of params; did you mean '%s'?)" % (exc.args[0], close[0])
    return [text, _raceline_line(exc)]

def _raceline_compile(fn_id, source, seed):
    try:
        code = compile(source, 'reward_function.py', 'exec')
    except SyntaxError as e:
        return ['syntax', 'SyntaxError: ' + str(e.msg), e.lineno]
    namespace = {'__name__': 'reward_function'}
    _random.seed(seed)
    try:
        exec(code, namespace)
    except BaseException as e:
        text, line = _raceline_describe(e)
        return ['runtime', text, line]
    fn = namespace.get('reward_function')
    if not callable(fn):
        return ['missing-function', 'no reward_function found: define "def reward_function(params): ... return float(reward)"', None]
    _RACELINE_FNS[fn_id] = fn
    return None

def _raceline_set_waypoints(flat):
    global _RACELINE_WAYPOINTS
    xs = flat.to_py().tolist()
    _RACELINE_WAYPOINTS = [(xs[i], xs[i + 1]) for i in range(0, len(xs), 2)]

def _raceline_call(fn, params):
    try:
        r = fn(params)
    except BaseException as e:
        text, line = _raceline_describe(e)
        return ['runtime', text, line]
    try:
        return float(r)
    except (TypeError, ValueError):
        return ['not-a-number', repr(r)[:60], type(r).__name__]

def _raceline_batch(fn_id, packed, n):
    fn = _RACELINE_FNS[fn_id]
    v = packed.to_py().tolist()
    W = _RACELINE_WAYPOINTS
    out = []
    for i in range(n):
        b = i * 20
        params = {
            'all_wheels_on_track': v[b + 12] != 0.0, 'x': v[b], 'y': v[b + 1], 'heading': v[b + 2],
            'steering_angle': v[b + 3], 'speed': v[b + 4], 'progress': v[b + 5], 'steps': int(v[b + 6]),
            'distance_from_center': v[b + 7], 'is_left_of_center': v[b + 13] != 0.0, 'track_width': v[b + 8],
            'track_length': v[b + 9], 'waypoints': list(W), 'closest_waypoints': [int(v[b + 18]), int(v[b + 19])],
            'is_reversed': v[b + 14] != 0.0, 'is_offtrack': v[b + 15] != 0.0, 'is_crashed': v[b + 16] != 0.0,
            'closest_objects': [], 'objects_location': [], 'objects_distance': [], 'objects_heading': [],
            'objects_left_of_center': [], 'objects_speed': [], 'projection_distance': v[b + 10],
            'objects_distance_from_center': [], 'object_in_camera': v[b + 17] != 0.0, 'sim_time': v[b + 11],
        }
        r = _raceline_call(fn, params)
        if not isinstance(r, float):
            return [i] + r
        out.append(r)
    return out

_RACELINE_FLOATS = ('x', 'y', 'heading', 'steering_angle', 'speed', 'progress', 'distance_from_center', 'track_width',
                    'track_length', 'projection_distance', 'sim_time')
_RACELINE_FLOAT_LISTS = ('objects_distance', 'objects_heading', 'objects_speed', 'objects_distance_from_center')

def _raceline_one(fn_id, params):
    # A car that sees objects: params arrive as one dict (converted by pyodide.toPy); give every key
    # DeepRacer's type, as the batched path does (JavaScript numbers that are whole would be ints).
    p = dict(params)
    for k in _RACELINE_FLOATS:
        p[k] = float(p[k])
    for k in _RACELINE_FLOAT_LISTS:
        p[k] = [float(x) for x in p[k]]
    p['objects_location'] = [(float(a), float(b)) for a, b in p['objects_location']]
    p['objects_left_of_center'] = [bool(x) for x in p['objects_left_of_center']]
    p['closest_objects'] = [int(i) for i in p['closest_objects']]
    p['closest_waypoints'] = [int(i) for i in p['closest_waypoints']]
    p['steps'] = int(p['steps'])
    p['waypoints'] = list(_RACELINE_WAYPOINTS)
    return _raceline_call(_RACELINE_FNS[fn_id], p)
`;
