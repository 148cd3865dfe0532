"""Community grids (guide 四(三), 网格管理员端、网格员端): grid admins, superiors' approval, grid workers' door-to-door
collections, key persons (重点管控人员) and statistics.

Submodules: `grids` (the grid, its admin, approval state, admin transfer), `superiors` (region admins and the
approvals), `workers` (bindings, authorization, the current grid), `roster` (the grid's item in the stats table:
status, admin, bound and authorized workers - written by the same transactions as what it mirrors), `collections`
(信息采集 and the authorized reads of a person), `stats` and `keypersons` (stream aggregators and their one-read
readers), `purge` (dissolving: every item of the grid deleted in bounded, resumable batches), `routes`.

Where things live (no table of its own):
- places: the grid (kind GRID, status PENDING | ACTIVE | REJECTED | DISSOLVING);
- auth: `admin#GRID#<person>`, `place-admin#<grid>`, `join-code#<code>` (healthcode.place_admin), transfer offers;
- relations: a worker's binding `GRID#<grid>` (data: masked name, authorized), `UNBOUND_GRID#<grid>` (the admin
  unbound them: the join code no longer admits them), `GRID_CURRENT` (the worker's current grid),
  `GRID_SEEN#<grid>` (the person was collected in the grid: the key-person stream finds a person's grids by it),
  `grid-days#<grid>` / `DAY#<date>` (the days that hold collections: what dissolving deletes), and the approval
  index `grid-status#<STATUS>` / `<region_code>#<grid>` (superiors list the grids of their area with one Query);
  region-admin grants `region-admin#<id_hash>` / `REGION_ADMIN#<area>` (inverse: `REGION_ADMINS`);
- checks: collections, kind GRID_COLLECTION, in the grid's day partitions;
- stats: scope `grid#<grid>`: `roster`, `roster#kp#<person>` (key persons), `day#<date>`, `ppl#<date>`, `total`.
"""

GRID = "GRID"  # Place.kind; Relation kind of a worker's binding (owner = worker, target = grid)
UNBOUND = "UNBOUND_GRID"  # Relation kind left when the admin unbinds a worker
CURRENT = "GRID_CURRENT"  # Relation sk of the worker's current grid (target = grid)
SEEN = "GRID_SEEN"  # Relation kind: the person (owner) was collected in the grid (target)
COLLECTION = "GRID_COLLECTION"  # Check.kind

PENDING, ACTIVE, REJECTED, DISSOLVING = "PENDING", "ACTIVE", "REJECTED", "DISSOLVING"
STATUSES = (PENDING, ACTIVE, REJECTED, DISSOLVING)
STATUS_LABELS = {PENDING: "待上级审核", ACTIVE: "已生效", REJECTED: "审核未通过", DISSOLVING: "解散中"}
