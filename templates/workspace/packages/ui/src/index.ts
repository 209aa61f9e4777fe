export { Button, buttonVariants, type ButtonProps } from "./button";
export { cn } from "./lib/utils";
