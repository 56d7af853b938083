# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""List the model zoo of model-index.yml: every model with its config, its
results (marked as reported by the paper or measured here) and its weights.

    python tools/misc/model_zoo.py [--collection OpenPose-RIE] [--markdown]
"""
import argparse
import os.path as osp

from mmpose_ext.utils.model_index import load_model_index

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def rows(models):
    for model in models:
        if not model.get('Results'):
            yield (model['In Collection'], model['Name'], '-',
                   'no result reported or measured', '-',
                   model.get('Weights') or '-')
        for result in model.get('Results') or []:
            metrics = ', '.join(f'{k} {v}'
                                for k, v in result['Metrics'].items())
            origin = ('reported' if result['Source'].startswith('reported')
                      else 'measured')
            yield (model['In Collection'], model['Name'], result['Dataset'],
                   metrics, origin, model.get('Weights') or '-')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--collection', help='only this collection')
    parser.add_argument('--markdown', action='store_true',
                        help='print a markdown table')
    args = parser.parse_args()
    collections, models = load_model_index(
        osp.join(REPO, 'model-index.yml'))
    if args.collection:
        names = {c['Name'] for c in collections}
        if args.collection not in names:
            raise SystemExit(f'no collection {args.collection!r}; there are '
                             f'{sorted(names)}')
        models = [m for m in models if m['In Collection'] == args.collection]
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
            print(f"{c['Name']}: {c['Paper']['Title']} ({c['README']})")
        print()
        for row in table:
            print('  '.join(row))
    print(f'\n{len(models)} models in {len(collections)} collections')


if __name__ == '__main__':
    main()
