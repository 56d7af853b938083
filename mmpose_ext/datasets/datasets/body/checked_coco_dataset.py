# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
import logging
import math
from typing import List, Optional, Tuple

from mmengine.dataset import force_full_init
from mmengine.logging import print_log
from mmpose.datasets import CocoDataset
from mmpose.registry import DATASETS

from ..main_persons import main_persons

POLICIES = ('raise', 'skip')


@DATASETS.register_module()
class CheckedCocoDataset(CocoDataset):
    """MMPose's :class:`~mmpose.datasets.CocoDataset` that checks every
    annotation and image and reports the bad ones by id.

    MMPose drops an annotation without ``bbox`` or ``keypoints`` silently and
    fails deep in a transform on a wrong keypoint count or an unreadable
    image. Here each problem names the annotation id, the image id and the
    file, and ``on_bad_annotation`` / ``on_bad_image`` choose between stopping
    (``'raise'``, the default) and skipping with a logged warning (``'skip'``;
    a skipped image is replaced by another sample in training, as MMEngine
    does for a pipeline that returns None; at test time it always stops).

    Checked: the keys ``id``, ``image_id``, ``bbox``, ``keypoints``; a bbox of
    4 finite numbers with width and height >= 0; 3·K finite keypoint values
    (K from the dataset meta); a non-negative, finite ``area``; image width and
    height present.

    Bottom-up training can take one sample per *main person* instead of one
    per image (``sample_per='main_person'``), as CMU OpenPose's
    ``genJSON.m`` makes its training set (:func:`main_persons`): the
    dataset's length is then the number of main persons, sample i is the
    image of main person i with ``main_person`` set to that person's index,
    which ``PersonCentredRandomAffine`` centres the sample on; images without
    a main person are not trained on, and how many there are is logged.

    Args:
        on_bad_annotation (str): ``'raise'`` or ``'skip'``
        on_bad_image (str): ``'raise'`` or ``'skip'``
        sample_per (str): ``'image'`` (MMPose's) or ``'main_person'``
            (bottom-up training only). Defaults to ``'image'``
        main_person_cfg (dict, optional): the arguments of
            :func:`main_persons` (``min_keypoints``, ``min_area``,
            ``min_centre_distance``); CMU's values by default
        **kwargs: as for :class:`~mmpose.datasets.CocoDataset`
    """

    def __init__(self,
                 *args,
                 on_bad_annotation: str = 'raise',
                 on_bad_image: str = 'raise',
                 sample_per: str = 'image',
                 main_person_cfg: Optional[dict] = None,
                 **kwargs):
        for key, value in (('on_bad_annotation', on_bad_annotation),
                           ('on_bad_image', on_bad_image)):
            if value not in POLICIES:
                raise ValueError(f'CheckedCocoDataset: {key} must be one of '
                                 f'{POLICIES}, got {value!r}')
        if sample_per not in ('image', 'main_person'):
            raise ValueError('CheckedCocoDataset: sample_per must be "image" '
                             f'or "main_person", got {sample_per!r}')
        if sample_per == 'main_person' and (
                kwargs.get('data_mode', 'topdown') != 'bottomup'
                or kwargs.get('test_mode', False)):
            raise ValueError(
                'CheckedCocoDataset: sample_per="main_person" is for '
                'bottom-up training (data_mode="bottomup", test_mode=False): '
                'evaluation must see every image once')
        self.on_bad_annotation = on_bad_annotation
        self.on_bad_image = on_bad_image
        self.sample_per = sample_per
        self.main_person_cfg = dict(main_person_cfg or {})
        self._main_person_index: Optional[List[Tuple[int, int]]] = None
        super().__init__(*args, **kwargs)

    # one sample per main person ----------------------------------------------
    def full_init(self) -> None:
        if self._fully_initialized:
            return
        super().full_init()
        if self.sample_per == 'main_person':
            self._main_person_index = self._index_main_persons()

    def _index_main_persons(self) -> List[Tuple[int, int]]:
        index, without = [], 0
        images = super().__len__()
        for image in range(images):
            persons = main_persons(super().get_data_info(image),
                                   **self.main_person_cfg)
            without += not persons
            index.extend((image, person) for person in persons)
        print_log(
            f'CheckedCocoDataset: {len(index)} main persons in '
            f'{images - without} images of {self.ann_file}; {without} '
            'images without a main person are not trained on',
            logger='current')
        if not index:
            raise ValueError(
                f'CheckedCocoDataset: none of the {images} images of '
                f'{self.ann_file} has a main person '
                f'(main_person_cfg={self.main_person_cfg or "CMU defaults"})')
        return index

    @force_full_init
    def __len__(self) -> int:
        if self._main_person_index is not None:
            return len(self._main_person_index)
        return super().__len__()

    @force_full_init
    def get_data_info(self, idx: int) -> dict:
        if self._main_person_index is None:
            return super().get_data_info(idx)
        image, person = self._main_person_index[idx]
        data_info = super().get_data_info(image)
        data_info['main_person'] = person
        return data_info

    def _annotation_problem(self, ann: dict, img: dict) -> Optional[str]:
        missing = [k for k in ('id', 'image_id', 'bbox', 'keypoints')
                   if k not in ann]
        if missing:
            return f'missing key(s) {missing}'
        if 'width' not in img or 'height' not in img:
            return 'its image has no width/height'
        bbox = ann['bbox']
        if len(bbox) != 4 or not all(math.isfinite(float(v)) for v in bbox):
            return f'bbox {bbox} is not 4 finite numbers'
        if bbox[2] < 0 or bbox[3] < 0:
            return f'bbox {bbox} has a negative width or height'
        expected = 3 * self.metainfo['num_keypoints']
        if len(ann['keypoints']) != expected:
            problem = (f'{len(ann["keypoints"])} keypoint values, expected '
                       f'{expected} (3 x {self.metainfo["num_keypoints"]})')
            if self.metainfo['num_keypoints'] == 17:
                problem += ('; a CrowdPose, MPII or COCO-plus-more-points '
                            'file converts to COCO-17 with '
                            'tools/dataset_converters/to_coco17.py')
            return problem
        if not all(math.isfinite(float(v)) for v in ann['keypoints']):
            return 'non-finite keypoint values'
        if 'area' in ann and (not math.isfinite(float(ann['area']))
                              or ann['area'] < 0):
            return f'area {ann["area"]} is negative or not finite'
        return None

    def parse_data_info(self, raw_data_info: dict) -> Optional[dict]:
        ann = raw_data_info['raw_ann_info']
        img = raw_data_info['raw_img_info']
        problem = self._annotation_problem(ann, img)
        if problem is None:
            return super().parse_data_info(raw_data_info)
        message = (f'{self.ann_file}: annotation id {ann.get("id")} (image id '
                   f'{ann.get("image_id")}): {problem}')
        if self.on_bad_annotation == 'raise':
            raise ValueError(message + '. Fix it, or set the dataset\'s '
                             'on_bad_annotation="skip" to leave it out.')
        print_log(message + '; skipped.', logger='current',
                  level=logging.WARNING)
        return None

    def prepare_data(self, idx: int):
        try:
            return super().prepare_data(idx)
        except Exception as err:  # noqa: BLE001  (reported with the image)
            info = self.get_data_info(idx)
            message = (f'image id {info.get("img_id")} ({info.get("img_path")}) '
                       f'could not be loaded or transformed: '
                       f'{type(err).__name__}: {err}')
            if self.on_bad_image == 'raise' or self.test_mode:
                raise RuntimeError(message) from err
            print_log(message + '; skipped.', logger='current',
                      level=logging.WARNING)
            return None
