# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""List the model zoo of model-index.yml (read by the ``model-index``
package, as ``mim`` reads it): every model with its config, its results
(the paper's numbers, with the table they come from) and its weights; with
``--samples``, the pipeline checkpoints of sample-index.yml instead.

    python tools/misc/model_zoo.py [--collection OpenPose-RIE] [--markdown]
    python tools/misc/model_zoo.py --samples
"""
import argparse
import os.path as osp

from modelindex.load_model_index import load

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def rows(models):
    for model in models:
        metadata = model.metadata.data if model.metadata else {}
        origin = ('reported, ' + metadata['Reported In']
                  if 'Reported In' in metadata else
                  metadata.get('Measured', '-'))
        weights = model.weights or '-'
        if not model.results:
            yield (model.in_collection, model.name, '-',
                   'no result reported or measured', origin, weights)
        for result in model.results:
            metrics = ', '.join(f'{k} {v}' for k, v in result.metrics.items())
            yield (model.in_collection, model.name, result.dataset, metrics,
                   origin, weights)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--collection', help='only this collection')
    parser.add_argument('--samples', action='store_true',
                        help='the pipeline checkpoints of sample-index.yml')
    parser.add_argument('--markdown', action='store_true',
                        help='print a markdown table')
    args = parser.parse_args()
    index = load(osp.join(REPO, 'model-index.yml'))
    collections = index.collections
    models = (load(osp.join(REPO, 'sample-index.yml')).models
              if args.samples else index.models)
    if args.collection:
        names = {c.name for c in collections}
        if args.collection not in names:
            raise SystemExit(f'no collection {args.collection!r}; there are '
                             f'{sorted(names)}')
        models = [m for m in models if m.in_collection == args.collection]
        collections = [c for c in collections if c.name == args.collection]
    header = ('collection', 'model', 'dataset', 'metrics', 'source',
              'weights')
    table = list(rows(models))
    if args.markdown:
        print('| ' + ' | '.join(header) + ' |')
        print('|' + '---|' * len(header))
        for row in table:
            print('| ' + ' | '.join(row) + ' |')
    else:
        for c in collections:
            paper = c.paper
            print(f"{c.name}: {paper['Title']}, {paper['Authors']}, "
                  f"{paper['Venue']}{', ' + paper['URL'] if 'URL' in paper else ''}"
                  f' ({c.readme})')
        print()
        for row in table:
            print('  '.join(row))
    kind = 'pipeline checkpoints' if args.samples else 'models'
    print(f'\n{len(models)} {kind} in {len(collections)} collections')


if __name__ == '__main__':
    main()
