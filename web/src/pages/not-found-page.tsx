import { Button, EmptyState } from '@mantine/core';
import { IconMapSearch } from '@tabler/icons-react';
import { Link } from 'react-router-dom';

export function NotFoundPage({ what = 'page' }: { what?: string }) {
  return (
    <EmptyState
      mt={80}
      variant="light"
      icon={<IconMapSearch size={26} />}
      title={`This ${what} does not exist`}
      description="It may have been deleted, or it belongs to another organisation."
    >
      <EmptyState.Actions>
        <Button component={Link} to="/" variant="light">Back to the console</Button>
      </EmptyState.Actions>
    </EmptyState>
  );
}
