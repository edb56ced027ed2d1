declare const brand: unique symbol;

/** A nominal type: a `T` that only the matching constructor function can produce. */
export type Brand<T, Name extends string> = T & { readonly [brand]: Name };
