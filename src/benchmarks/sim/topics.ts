/**
 * What the sim world's tables are about: a file, a sentence describing it, and names for its
 * columns (several per role, so worlds from different seeds differ in their columns). A topic's
 * measure says which conventions fit its numbers (currency for money, units for physical amounts).
 */
export type Measure = "money" | "mass" | "length" | "volume" | "duration" | "count";

export interface Topic {
  file: string;
  describe: string;
  measure: Measure;
  /** Alternatives for each column role. */
  key: string[];
  value: string[];
  group: string[];
  date: string[];
  /** How keys are written: a prefix for ids ("P-101"), or a list of names. */
  keys: { prefix: string } | { names: string[] };
  groups: string[];
}

export const TOPICS: readonly Topic[] = [
  {
    file: "shipments.csv",
    describe: "lists parcels shipped this quarter",
    measure: "mass",
    key: ["parcel", "parcel_id", "shipment"],
    value: ["weight", "mass", "net_weight"],
    group: ["region", "zone"],
    date: ["shipped_on", "dispatch_date"],
    keys: { prefix: "P" },
    groups: ["North", "South", "East", "West"],
  },
  {
    file: "orders.csv",
    describe: "lists customer orders",
    measure: "money",
    key: ["order_id", "order", "ref"],
    value: ["amount", "order_total", "value"],
    group: ["channel", "source"],
    date: ["order_date", "placed_on"],
    keys: { prefix: "O" },
    groups: ["Web", "Store", "Phone"],
  },
  {
    file: "expenses.csv",
    describe: "lists expense claims",
    measure: "money",
    key: ["item", "claim", "expense"],
    value: ["cost", "claimed", "spend"],
    group: ["department", "team"],
    date: ["paid_on", "claim_date"],
    keys: {
      names: ["travel", "meals", "hotel", "taxi", "books", "software", "training", "printing", "postage"],
    },
    groups: ["Sales", "Ops", "Finance"],
  },
  {
    file: "runs.csv",
    describe: "records training runs of a running club",
    measure: "length",
    key: ["runner", "athlete"],
    value: ["distance", "run_length"],
    group: ["club", "squad"],
    date: ["run_date", "ran_on"],
    keys: { names: ["Ana", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo"] },
    groups: ["Harriers", "Striders", "Pacers"],
  },
  {
    file: "batches.csv",
    describe: "lists production batches of a bottling line",
    measure: "volume",
    key: ["batch", "batch_no"],
    value: ["volume", "filled"],
    group: ["line", "plant"],
    date: ["made_on", "bottled_on"],
    keys: { prefix: "B" },
    groups: ["Alpha", "Beta", "Gamma"],
  },
  {
    file: "tickets.csv",
    describe: "lists support tickets and the time spent on them",
    measure: "duration",
    key: ["ticket", "case_id"],
    value: ["time_spent", "effort"],
    group: ["assignee", "owner"],
    date: ["opened_on", "logged_on"],
    keys: { prefix: "T" },
    groups: ["Alice", "Bruno", "Chen", "Dana"],
  },
  {
    file: "sales.csv",
    describe: "lists closed deals",
    measure: "money",
    key: ["deal", "deal_id"],
    value: ["revenue", "deal_value"],
    group: ["rep", "region"],
    date: ["closed_on", "signed_on"],
    keys: { prefix: "D" },
    groups: ["Kim", "Lee", "Moss", "Nora"],
  },
  {
    file: "stock.csv",
    describe: "lists stock counts per product",
    measure: "count",
    key: ["product", "sku"],
    value: ["units", "on_hand", "quantity"],
    group: ["warehouse", "store"],
    date: ["counted_on", "checked_on"],
    keys: { prefix: "S" },
    groups: ["Leeds", "York", "Hull"],
  },
  {
    file: "donations.csv",
    describe: "lists donations received",
    measure: "money",
    key: ["donor", "gift_id"],
    value: ["gift", "donated"],
    group: ["campaign", "appeal"],
    date: ["received_on", "gift_date"],
    keys: { prefix: "G" },
    groups: ["Spring", "Summer", "Winter"],
  },
  {
    file: "trips.csv",
    describe: "lists delivery trips",
    measure: "length",
    key: ["trip", "trip_id"],
    value: ["trip_distance", "driven"],
    group: ["vehicle", "van"],
    date: ["trip_date", "driven_on"],
    keys: { prefix: "R" },
    groups: ["Van1", "Van2", "Van3"],
  },
  {
    file: "harvest.csv",
    describe: "records the harvest of each field",
    measure: "mass",
    key: ["field", "plot"],
    value: ["yield", "harvested"],
    group: ["crop", "farm"],
    date: ["harvested_on", "picked_on"],
    keys: { prefix: "F" },
    groups: ["Wheat", "Barley", "Oats"],
  },
  {
    file: "meters.csv",
    describe: "lists meter readings",
    measure: "count",
    key: ["meter", "meter_id"],
    value: ["reading", "usage"],
    group: ["site", "building"],
    date: ["read_on", "reading_date"],
    keys: { prefix: "M" },
    groups: ["Depot", "Office", "Lab"],
  },
];

/** The small and the large unit a physical measure's cells mix; the question asks for the large one. */
export const MEASURE_UNITS: Partial<Record<Measure, [string, string]>> = {
  mass: ["g", "kg"],
  length: ["m", "km"],
  volume: ["ml", "l"],
  duration: ["min", "h"],
};
